import { describe, expect, it } from 'vitest';
import { UpstreamProblem, UpstreamUnavailable } from './errors.js';
import { problemFromUpstream, unavailableError } from './upstream-errors.js';

const uitpas = (suffix: string, status = 400, extra: Record<string, unknown> = {}) =>
  new UpstreamProblem('uitpas', {
    type: `https://api.publiq.be/probs/${suffix}`,
    status,
    endUserMessage: { nl: `bericht voor ${suffix}` },
    ...extra,
  });

describe('problemFromUpstream: every problem type of the brief has a meaning for our caller', () => {
  it.each([
    ['uitpas/invalid-uitpas-number', 400, 'invalid-uitpas-number'],
    ['uitpas/invalid-uitpasnumber', 400, 'invalid-uitpas-number'],
    ['uitpas/pass-not-found', 404, 'pass-not-found'],
    ['uitpas/passholder-not-found', 404, 'pass-not-found'],
    ['uitpas/passholder-blocked', 422, 'pass-not-usable'],
    ['uitpas/card-blocked', 422, 'pass-not-usable'],
    ['uitpas/invalid-card', 422, 'pass-not-usable'],
    ['uitpas/invalid-card-status', 422, 'pass-not-usable'],
    ['uitpas/passholder-no-active-cardsystems', 422, 'pass-not-usable'],
    ['uitpas/social-tariff-expired', 422, 'social-tariff-expired'],
    ['uitpas/social-tariff-discount-expired', 422, 'social-tariff-expired'],
    ['uitpas/social-tariff-suspended', 422, 'social-tariff-suspended'],
    ['uitpas/maximum-reached', 422, 'maximum-reached'],
    ['uitpas/invalid-number-of-tickets', 422, 'invalid-number-of-tickets'],
    ['uitpas/invalid-coupon', 422, 'invalid-coupon'],
    ['uitpas/event-not-found', 422, 'event-unknown-to-uitpas'],
    ['uitpas/ticket-sale-not-found', 404, 'ticket-sale-not-found'],
    ['auth/forbidden', 422, 'organizer-not-permitted'],
    ['uitdatabank/event-has-uitpas-ticket-sales', 409, 'event-has-uitpas-ticket-sales'],
    ['auth/unauthorized', 502, 'upstream-authentication-failed'],
    ['body/invalid-data', 502, 'upstream-refused'],
    ['url/not-found', 502, 'upstream-refused'],
    ['uitpas/something-new', 502, 'upstream-refused'],
  ])('%s becomes %i %s, keeping the message for the buyer', (suffix, status, slug) => {
    const error = problemFromUpstream(uitpas(suffix));
    expect(error.status).toBe(status);
    expect(error.slug).toBe(slug);
    expect(error.endUserMessage).toEqual({ nl: `bericht voor ${suffix}` });
    expect(error.extensions.upstreamType).toBe(`https://api.publiq.be/probs/${suffix}`);
    expect(error.detail?.length).toBeGreaterThan(10);
  });

  it('branches on the type, not on the status: event-not-found means the same as a 400 and as a 404', () => {
    expect(problemFromUpstream(uitpas('uitpas/event-not-found', 400)).slug).toBe(
      problemFromUpstream(uitpas('uitpas/event-not-found', 404)).slug,
    );
  });

  it('keeps the card status and pass type of a card that is not active', () => {
    const error = problemFromUpstream(
      uitpas('uitpas/invalid-card-status', 400, {
        cardStatus: 'BLOCKED',
        passType: 'GROUP',
        passholderId: 'p-1',
      }),
    );
    expect(error.extensions).toMatchObject({ cardStatus: 'BLOCKED', passType: 'GROUP' });
    // The passholder id identifies a person: it stays out of our answer.
    expect(error.extensions.passholderId).toBeUndefined();
  });
});

describe('unavailableError', () => {
  it('tells the cashier in Dutch that UiTPAS is unreachable, and when to retry', () => {
    const error = unavailableError(new UpstreamUnavailable('uitpas', 'timeout', false));
    expect(error.status).toBe(503);
    expect(error.slug).toBe('uitpas-unavailable');
    expect(error.endUserMessage?.nl).toMatch(/^UiTPAS is tijdelijk niet bereikbaar/);
    expect(error.headers['Retry-After']).toBe('5');
  });

  it('does not claim nothing changed when a write may have been applied', () => {
    expect(unavailableError(new UpstreamUnavailable('uitpas', 'timeout', true)).detail).toMatch(
      /may or may not/,
    );
    expect(unavailableError(new UpstreamUnavailable('uitpas', 'network', false)).detail).toMatch(
      /Nothing was changed/,
    );
  });

  it('names UiTdatabank for the UiTdatabank APIs', () => {
    const error = unavailableError(
      new UpstreamUnavailable('uitdatabank-search', 'status', false, { status: 502 }),
    );
    expect(error.slug).toBe('uitdatabank-unavailable');
    expect(error.endUserMessage?.nl).toMatch(/^UiTdatabank is tijdelijk/);
  });
});
