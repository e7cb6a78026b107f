import { describe, expect, it } from 'vitest';
import { UpstreamProblem, type UpstreamService, UpstreamUnavailable } from './errors.js';
import { problemFromUpstream, UNMAPPED_TYPE_NOTE, unavailableError } from './upstream-errors.js';

const uitpas = (suffix: string, status = 400, extra: Record<string, unknown> = {}) =>
  new UpstreamProblem('uitpas', {
    type: `https://api.publiq.be/probs/${suffix}`,
    status,
    endUserMessage: { nl: `bericht voor ${suffix}` },
    ...extra,
  });

/** How we answer a type: specifically (`mapped`) or with the answer of its family. */
type Answer = readonly [status: number, slug: string, how: 'mapped' | 'family'];

const REFUSED: Answer = [422, 'uitpas-refused', 'family'];
const PASS_UNUSABLE: Answer = [422, 'pass-not-usable', 'mapped'];
const REQUEST_INVALID: Answer = [502, 'upstream-request-invalid', 'mapped'];

/** Every problem type the UiTPAS OpenAPI names (69), written out so that dropping one fails the test. */
const UITPAS_OAS_TYPES: Record<string, Answer> = {
  'https://api.publiq.be/probs/auth/forbidden': [422, 'organizer-not-permitted', 'mapped'],
  'https://api.publiq.be/probs/auth/unauthorized': [502, 'upstream-authentication-failed', 'mapped'],
  'https://api.publiq.be/probs/body/invalid-data': REQUEST_INVALID,
  'https://api.publiq.be/probs/body/invalid-syntax': REQUEST_INVALID,
  'https://api.publiq.be/probs/body/missing': REQUEST_INVALID,
  'https://api.publiq.be/probs/uitpas/association-membership-renew-not-possible': REFUSED,
  'https://api.publiq.be/probs/uitpas/association-not-found': REFUSED,
  'https://api.publiq.be/probs/uitpas/association-passholder-cardsystem-mismatch': REFUSED,
  'https://api.publiq.be/probs/uitpas/card-blocked': PASS_UNUSABLE,
  'https://api.publiq.be/probs/uitpas/cardsystem-not-found': REQUEST_INVALID,
  'https://api.publiq.be/probs/uitpas/checkin-code-expired': REFUSED,
  'https://api.publiq.be/probs/uitpas/checkin-code-invalid': REFUSED,
  'https://api.publiq.be/probs/uitpas/checkin-not-allowed': REFUSED,
  'https://api.publiq.be/probs/uitpas/client-not-found': [502, 'upstream-authentication-failed', 'mapped'],
  'https://api.publiq.be/probs/uitpas/distributionkey-not-found': REFUSED,
  'https://api.publiq.be/probs/uitpas/email-already-used': REFUSED,
  'https://api.publiq.be/probs/uitpas/event-already-has-ticketsales': [
    409,
    'event-has-uitpas-ticket-sales',
    'mapped',
  ],
  'https://api.publiq.be/probs/uitpas/event-not-acceptable': [422, 'event-not-acceptable', 'mapped'],
  'https://api.publiq.be/probs/uitpas/event-not-found': [422, 'event-unknown-to-uitpas', 'mapped'],
  'https://api.publiq.be/probs/uitpas/family-member-already-added': REFUSED,
  'https://api.publiq.be/probs/uitpas/forbidden-underaged': REFUSED,
  'https://api.publiq.be/probs/uitpas/group-not-found': REQUEST_INVALID,
  'https://api.publiq.be/probs/uitpas/insz-in-token-required': REFUSED,
  'https://api.publiq.be/probs/uitpas/invalid-card': PASS_UNUSABLE,
  'https://api.publiq.be/probs/uitpas/invalid-card-status': PASS_UNUSABLE,
  'https://api.publiq.be/probs/uitpas/invalid-card-system': REFUSED,
  'https://api.publiq.be/probs/uitpas/invalid-city': REFUSED,
  'https://api.publiq.be/probs/uitpas/invalid-coupon': [422, 'invalid-coupon', 'mapped'],
  'https://api.publiq.be/probs/uitpas/invalid-distributionkey': REFUSED,
  'https://api.publiq.be/probs/uitpas/invalid-insz-number': [400, 'invalid-insz-number', 'mapped'],
  'https://api.publiq.be/probs/uitpas/invalid-number-of-tickets': [
    422,
    'invalid-number-of-tickets',
    'mapped',
  ],
  'https://api.publiq.be/probs/uitpas/invalid-postal-code': REFUSED,
  'https://api.publiq.be/probs/uitpas/invalid-social-tariff-validation-token': REFUSED,
  'https://api.publiq.be/probs/uitpas/invalid-uitpas-number': [400, 'invalid-uitpas-number', 'mapped'],
  'https://api.publiq.be/probs/uitpas/invalid-uitpasnumber': [400, 'invalid-uitpas-number', 'mapped'],
  'https://api.publiq.be/probs/uitpas/invalid-voucher-code': REFUSED,
  'https://api.publiq.be/probs/uitpas/kiosk-already-configured': REFUSED,
  'https://api.publiq.be/probs/uitpas/kiosk-device-already-in-use': REFUSED,
  'https://api.publiq.be/probs/uitpas/kiosk-not-found': REFUSED,
  'https://api.publiq.be/probs/uitpas/maximum-reached': [422, 'maximum-reached', 'mapped'],
  'https://api.publiq.be/probs/uitpas/organizer-not-found': [422, 'organizer-unknown-to-uitpas', 'mapped'],
  'https://api.publiq.be/probs/uitpas/pass-not-found': [404, 'pass-not-found', 'mapped'],
  'https://api.publiq.be/probs/uitpas/passholder-already-registered': REFUSED,
  'https://api.publiq.be/probs/uitpas/passholder-blocked': PASS_UNUSABLE,
  'https://api.publiq.be/probs/uitpas/passholder-new-membership-error': REFUSED,
  'https://api.publiq.be/probs/uitpas/passholder-no-active-cardsystems': PASS_UNUSABLE,
  'https://api.publiq.be/probs/uitpas/passholder-not-found': [404, 'pass-not-found', 'mapped'],
  'https://api.publiq.be/probs/uitpas/postal-code-not-in-card-system': REFUSED,
  'https://api.publiq.be/probs/uitpas/postal-code-required': REFUSED,
  'https://api.publiq.be/probs/uitpas/rate-limited': [503, 'uitpas-unavailable', 'mapped'],
  'https://api.publiq.be/probs/uitpas/report-not-found': REFUSED,
  'https://api.publiq.be/probs/uitpas/reward-not-editable': REFUSED,
  'https://api.publiq.be/probs/uitpas/reward-not-found': REFUSED,
  'https://api.publiq.be/probs/uitpas/reward-passholder-no-applicable-cardsystems': REFUSED,
  'https://api.publiq.be/probs/uitpas/reward-passholder-points-constraint': REFUSED,
  'https://api.publiq.be/probs/uitpas/reward-passholder-volume-constraint': REFUSED,
  'https://api.publiq.be/probs/uitpas/reward-period-constraint': REFUSED,
  'https://api.publiq.be/probs/uitpas/reward-volume-constraint': REFUSED,
  'https://api.publiq.be/probs/uitpas/school-not-found': REFUSED,
  'https://api.publiq.be/probs/uitpas/social-tariff-discount-expired': [
    422,
    'social-tariff-expired',
    'mapped',
  ],
  'https://api.publiq.be/probs/uitpas/social-tariff-expired': [422, 'social-tariff-expired', 'mapped'],
  'https://api.publiq.be/probs/uitpas/social-tariff-not-available': [
    422,
    'social-tariff-not-available',
    'mapped',
  ],
  'https://api.publiq.be/probs/uitpas/social-tariff-suspended': [422, 'social-tariff-suspended', 'mapped'],
  'https://api.publiq.be/probs/uitpas/ticket-sale-not-found': [404, 'ticket-sale-not-found', 'mapped'],
  'https://api.publiq.be/probs/uitpas/too-many-adults-in-family': REFUSED,
  'https://api.publiq.be/probs/uitpas/too-many-family-members': REFUSED,
  'https://api.publiq.be/probs/uitpas/uitid-already-registered': REFUSED,
  'https://api.publiq.be/probs/url/not-found': REQUEST_INVALID,
  'https://api.publiq.be/probs/url/query-limit-exceeded': REQUEST_INVALID,
};

describe('problemFromUpstream: every problem type of the UiTPAS OpenAPI has a meaning for our caller', () => {
  it('lists all 69 types', () => {
    expect(Object.keys(UITPAS_OAS_TYPES)).toHaveLength(69);
  });

  it.each(Object.entries(UITPAS_OAS_TYPES))(
    '%s becomes %j, keeping the message for the buyer',
    (type, [status, slug, how]) => {
      const suffix = type.slice('https://api.publiq.be/probs/'.length);
      const error = problemFromUpstream(uitpas(suffix));
      expect(error.status).toBe(status);
      expect(error.type).toBe(`urn:uitpas-ticketing:problem:${slug}`);
      expect(error.endUserMessage).toEqual({ nl: `bericht voor ${suffix}` });
      expect(error.extensions.upstreamType).toBe(type);
      expect(error.detail?.length).toBeGreaterThan(10);
      if (how === 'mapped') expect(error.detail).not.toContain(UNMAPPED_TYPE_NOTE);
      else expect(error.detail).toContain(UNMAPPED_TYPE_NOTE);
    },
  );

  it.each([
    ['uitdatabank/event-has-uitpas-ticket-sales', 409, 'event-has-uitpas-ticket-sales'],
    ['uitpas/something-new', 422, 'uitpas-refused'],
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

/** A problem as the HTTP layer throws it: it knows the call that was answered. */
const answered = (
  endpoint: string,
  suffix: string,
  extra: Record<string, unknown> = {},
  service: UpstreamService = 'uitpas',
) =>
  new UpstreamProblem(service, {
    type: `https://api.publiq.be/probs/${suffix}`,
    status: 400,
    endpoint,
    ...extra,
  });

describe('problemFromUpstream: auth/forbidden says what is missing for the call that was refused', () => {
  it.each(['GET /passes', 'GET /uitpas/passes'])(
    'on %s names the pass permissions, not an organizer, for the operator',
    (endpoint) => {
      const error = problemFromUpstream(answered(endpoint, 'auth/forbidden'));
      expect(error.status).toBe(502);
      expect(error.slug).toBe('uitpas-permission-missing');
      expect(error.detail).toMatch(/PASSES_READ/);
      expect(error.detail).toMatch(/PASSES_CHIPNUMBERS_READ/);
      expect(error.detail).toMatch(/PASSES_INSZNUMBERS_READ/);
      expect(error.detail).toMatch(/publiq/);
      expect(error.detail).not.toMatch(/add this organisation/);
      expect(error.extensions.upstreamEndpoint).toBe(endpoint);
      expect(error.endUserMessage?.nl).toMatch(/gewone tarief/);
    },
  );

  it.each([
    ['GET /tariffs', 'TARIFFS_READ', /gewone tarief/],
    ['GET /tariffs/static', 'TARIFFS_READ', /gewone tarief/],
    ['POST /ticket-sales', 'TICKETSALES_REGISTER', /gewone tarief/],
    ['GET /uitpas/tariffs', 'TARIFFS_READ', /gewone tarief/],
    ['DELETE /ticket-sales/sale-1', 'TICKETSALES_REGISTER', /geannuleerd/],
    ['GET /ticket-sales', 'TICKETSALES_SEARCH', /nagekeken/],
  ])(
    'at the till (%s) is organizer-not-permitted, naming %s, with a message for the cashier',
    (endpoint, permission, nl) => {
      const error = problemFromUpstream(answered(endpoint, 'auth/forbidden'));
      expect(error.status).toBe(422);
      expect(error.slug).toBe('organizer-not-permitted');
      expect(error.detail).toContain(permission);
      expect(error.detail).toMatch(/servicedesk/);
      expect(error.endUserMessage?.nl).toMatch(nl);
      expect(error.endUserMessage?.en?.length).toBeGreaterThan(10);
      // Nothing for the operator to debug: the organisation is what is missing.
      expect(error.extensions.upstreamEndpoint).toBeUndefined();
    },
  );

  it('at the till keeps publiq’s own message when it sent one', () => {
    const message = { nl: 'Geen toegang voor deze organisator.', en: 'No access for this organizer.' };
    const error = problemFromUpstream(
      answered('GET /tariffs', 'auth/forbidden', { endUserMessage: message }),
    );
    expect(error.endUserMessage).toEqual(message);
  });

  it('on GET /passes keeps publiq’s own message too', () => {
    const message = { nl: 'Geen toegang.' };
    const error = problemFromUpstream(answered('GET /passes', 'auth/forbidden', { endUserMessage: message }));
    expect(error.endUserMessage).toEqual(message);
  });

  it('on an organizer lookup names ORGANIZERS_SEARCH for that organizer', () => {
    const error = problemFromUpstream(answered('GET /organizers/org-1', 'auth/forbidden'));
    expect(error).toMatchObject({ status: 422, slug: 'organizer-not-permitted' });
    expect(error.detail).toContain('ORGANIZERS_SEARCH');
  });

  it.each(['GET /permissions', 'GET /events/ev-1/card-systems'])(
    'on %s, which needs no organizer permission, is for the operator',
    (endpoint) => {
      const error = problemFromUpstream(answered(endpoint, 'auth/forbidden'));
      expect(error).toMatchObject({ status: 502, slug: 'uitpas-permission-missing' });
      expect(error.detail).toContain(endpoint);
      expect(error.detail).toContain('UITPAS_CLIENT_ID');
    },
  );

  it('from UiTdatabank is no UiTPAS permission', () => {
    const error = problemFromUpstream(
      answered('GET /events/ev-1', 'auth/forbidden', {}, 'uitdatabank-entry'),
    );
    expect(error).toMatchObject({ status: 502, slug: 'upstream-access-refused' });
    expect(error.detail).toContain('UiTdatabank GET /events/ev-1');
  });
});

describe('problemFromUpstream: a malformed request of ours is a bug for the operator, never the caller’s fault', () => {
  it('carries publiq’s schemaErrors and the endpoint, with a pass number in them masked', () => {
    const error = problemFromUpstream(
      answered('POST /ticket-sales', 'body/invalid-data', {
        schemaErrors: [
          { jsonPointer: '/0/uitpasNumber', error: '0900000067513 is not a valid uitpas number' },
          { jsonPointer: '/0/eventId', error: 'unknown event 5d4b1f3e-94c1-4b7a-8c55-1f2e3d4c5b6a' },
        ],
      }),
    );
    expect(error).toMatchObject({ status: 502, slug: 'upstream-request-invalid' });
    expect(error.detail).toMatch(/bug in this integration/);
    expect(error.detail).toContain('UiTPAS POST /ticket-sales');
    expect(error.extensions.upstreamEndpoint).toBe('POST /ticket-sales');
    expect(error.extensions.schemaErrors).toEqual([
      { jsonPointer: '/0/uitpasNumber', error: '**********513 is not a valid uitpas number' },
      { jsonPointer: '/0/eventId', error: 'unknown event 5d4b1f3e-94c1-4b7a-8c55-1f2e3d4c5b6a' },
    ]);
    expect(JSON.stringify(error.extensions)).not.toContain('0900000067513');
  });

  it('masks a chip number and an INSZ in a schema error', () => {
    const error = problemFromUpstream(
      answered('GET /passes', 'body/invalid-data', {
        schemaErrors: [{ jsonPointer: '/identifier', error: 'neither 04A1B2C3D4E5F6 nor 85073003328' }],
      }),
    );
    expect(error.extensions.schemaErrors).toEqual([
      { jsonPointer: '/identifier', error: 'neither ***********5F6 nor ********328' },
    ]);
  });

  it('keeps its business refusals free of schemaErrors, which mean nothing to a cashier', () => {
    const error = problemFromUpstream(
      answered('POST /ticket-sales', 'uitpas/maximum-reached', {
        schemaErrors: [{ jsonPointer: '/1', error: 'maximum reached' }],
      }),
    );
    expect(error.extensions.schemaErrors).toBeUndefined();
    expect(error.extensions.upstreamEndpoint).toBeUndefined();
  });

  it('says which setting to check when publiq knows no such endpoint', () => {
    const error = problemFromUpstream(answered('GET /tarifs', 'url/not-found'));
    expect(error.detail).toContain('UITPAS_API_URL');
    expect(error.detail).toContain('GET /tarifs');
  });

  it('names the page size when we asked for too many items', () => {
    expect(problemFromUpstream(answered('GET /ticket-sales', 'url/query-limit-exceeded')).detail).toMatch(
      /500/,
    );
  });
});

describe('problemFromUpstream: a rate limit', () => {
  it('is UiTPAS being unavailable for a moment, with Retry-After and a message for the cashier', () => {
    const error = problemFromUpstream(answered('GET /tariffs', 'uitpas/rate-limited'));
    expect(error).toMatchObject({ status: 503, slug: 'uitpas-unavailable' });
    expect(Number(error.headers['Retry-After'])).toBeGreaterThan(0);
    expect(error.endUserMessage?.nl).toMatch(/^UiTPAS is tijdelijk niet bereikbaar/);
  });
});

describe('problemFromUpstream: a type without a meaning of its own gets its family’s', () => {
  it.each([
    ['https://api.publiq.be/probs/auth/token-expired', 502, 'upstream-access-refused'],
    ['https://api.publiq.be/probs/body/file-missing', 502, 'upstream-request-invalid'],
    ['https://api.publiq.be/probs/url/something-new', 502, 'upstream-request-invalid'],
    ['https://api.publiq.be/probs/header/not-acceptable', 502, 'upstream-request-invalid'],
    ['https://api.publiq.be/probs/method/not-allowed', 502, 'upstream-request-invalid'],
    ['https://api.publiq.be/probs/uitpas/something-new', 422, 'uitpas-refused'],
    ['https://api.publiq.be/probs/uitdatabank/something-new', 502, 'upstream-refused'],
    ['https://api.publiq.be/probs/nofamily', 502, 'upstream-refused'],
    ['https://example.com/probs/auth/forbidden', 502, 'upstream-refused'],
    ['about:blank', 502, 'upstream-refused'],
  ])('%s becomes %i %s, naming the type and the call', (type, status, slug) => {
    const error = problemFromUpstream(
      new UpstreamProblem('uitpas', {
        type,
        status: 400,
        endpoint: 'GET /tariffs',
        endUserMessage: { nl: 'x' },
      }),
    );
    expect(error.status).toBe(status);
    expect(error.slug).toBe(slug);
    expect(error.detail).toContain(type);
    expect(error.detail).toContain('GET /tariffs');
    expect(error.detail).toContain(UNMAPPED_TYPE_NOTE);
    expect(error.endUserMessage).toEqual({ nl: 'x' });
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
