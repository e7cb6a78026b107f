import { describe, expect, it } from 'vitest';
import { AppError } from '../../domain/errors.js';
import { versionConflict } from '../../domain/mappings.js';
import { checkExpectedVersion, retryLostRaces } from './deps.js';

function attempts(failures: unknown[]) {
  let calls = 0;
  const attempt = async () => {
    const failure = failures[calls];
    calls += 1;
    if (failure) throw failure;
    return 'saved';
  };
  return { attempt, calls: () => calls };
}

describe('retrying a lost race', () => {
  it('reads and writes again when a save without a version lost a race', async () => {
    const run = attempts([versionConflict('event', 'e1'), versionConflict('event', 'e1')]);
    await expect(retryLostRaces(false, run.attempt)).resolves.toBe('saved');
    expect(run.calls()).toBe(3);
  });

  it('gives up with the 409 after three lost races', async () => {
    const run = attempts([1, 2, 3, 4].map(() => versionConflict('event', 'e1')));
    await expect(retryLostRaces(false, run.attempt)).rejects.toMatchObject({ status: 409 });
    expect(run.calls()).toBe(3);
  });

  it('never retries a save guarded by a version: the conflict is the answer', async () => {
    const run = attempts([versionConflict('event', 'e1')]);
    await expect(retryLostRaces(true, run.attempt)).rejects.toMatchObject({ slug: 'version-conflict' });
    expect(run.calls()).toBe(1);
  });

  it('does not retry other errors', async () => {
    const run = attempts([new AppError('event-not-found', 404, 'Unknown event')]);
    await expect(retryLostRaces(false, run.attempt)).rejects.toMatchObject({ status: 404 });
    expect(run.calls()).toBe(1);
  });
});

describe('the expected version', () => {
  it('passes when absent or equal, and is a 409 otherwise', () => {
    expect(() => checkExpectedVersion('event', 'e1', { version: 2 }, undefined)).not.toThrow();
    expect(() => checkExpectedVersion('event', 'e1', undefined, undefined)).not.toThrow();
    expect(() => checkExpectedVersion('event', 'e1', { version: 2 }, 2)).not.toThrow();
    expect(() => checkExpectedVersion('event', 'e1', { version: 3 }, 2)).toThrow(
      expect.objectContaining({ status: 409, extensions: { currentVersion: 3 } }),
    );
    expect(() => checkExpectedVersion('event', 'e1', undefined, 2)).toThrow(
      expect.objectContaining({ status: 409 }),
    );
  });
});
