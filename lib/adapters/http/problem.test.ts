import { afterEach, describe, expect, it, vi } from 'vitest';
import { refuseExpiredSocialTariff, toPassView } from '../../domain/pass.js';
import { logger } from '../../logger.js';
import { problemResponse } from './problem.js';

afterEach(() => vi.restoreAllMocks());

describe('problemResponse', () => {
  it('answers the extensions to the caller and logs only type, status and detail', () => {
    const uitpasNumber = '0930000420206';
    const view = toPassView({
      uitpasNumber,
      passType: 'INDIVIDUAL',
      firstName: 'Test',
      points: 0,
      cardSystem: { id: 1, name: 'UiTPAS Gent' },
      socialTariff: { status: 'EXPIRED', endDate: '2026-01-31' },
    });
    let refusal: unknown;
    try {
      refuseExpiredSocialTariff(view);
    } catch (error) {
      refusal = error;
    }
    const logged = vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    const response = problemResponse(refusal, 'corr-1');
    expect(response.statusCode).toBe(422);
    expect(JSON.parse(response.body).pass.uitpasNumber).toBe(uitpasNumber);
    expect(logged).toHaveBeenCalledTimes(1);
    const line = JSON.stringify(logged.mock.calls[0]);
    expect(line).toContain('social-tariff-expired');
    expect(line).not.toContain(uitpasNumber);
  });
});
