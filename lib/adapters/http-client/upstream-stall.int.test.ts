/**
 * An upstream that stalls (before its headers, after them, halfway through the body) ends each call as an
 * UpstreamUnavailable timeout after its attempts, however often the garbage collector runs meanwhile. Run in a
 * Node of its own (test-support/stall-probe.ts) because only `--expose-gc` lets a test collect at will.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ATTEMPT_MS = 300;

function probe(): Promise<{ name: string; outcome: string }[]> {
  const script = fileURLToPath(new URL('../../../test-support/stall-probe.ts', import.meta.url));
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script, String(ATTEMPT_MS)], {
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
  });
  // A call that hangs would hold the probe forever: stop it well before the test's own timeout, so a hang shows up
  // as a missing line rather than as a test that never ends.
  const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
  return new Promise((resolve) =>
    child.once('exit', () => {
      clearTimeout(kill);
      resolve(
        out
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line)),
      );
    }),
  );
}

describe('an upstream that stalls', () => {
  it('times out every attempt, the body included, with collections running', async () => {
    const results = await probe();

    expect(results.map(({ name, outcome }) => ({ name, outcome }))).toEqual([
      { name: 'before headers', outcome: 'unavailable: timeout' },
      { name: 'headers, then silence', outcome: 'unavailable: timeout' },
      { name: 'half a body', outcome: 'unavailable: timeout' },
    ]);
  }, 20_000);
});
