import { describe, expect, it } from 'vitest';
import type { Organisation, TicketingEvent } from './mappings.js';
import {
  calendarFor,
  changedPushFields,
  createFingerprint,
  FEED_OVERLAP_MS,
  type FeedItem,
  feedSeenKey,
  fingerprintOf,
  isStillRefused,
  nextFeedMark,
  nextFeedStep,
  planPush,
  SEEN_GONE,
  seenCovers,
} from './sync.js';

const ORG_ORGANIZER = '0ce87cbc-9299-4528-8d35-92225dc9489f';
const PROMOTOR_ORGANIZER = '53391b0a-5468-4fdf-9194-0e0bb35eec9a';
const PLACE = 'babfd3e9-ef13-42a6-96f4-5bb1859a6356';
const OTHER_PLACE = 'c0ffee00-ef13-42a6-96f4-5bb1859a6356';

const meta = {
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  updatedBy: 't',
  version: 1,
};
const event = (overrides: Partial<TicketingEvent> = {}): TicketingEvent => ({
  eventId: 'ev-1',
  organisationId: 'org-1',
  name: 'Concert',
  startDate: '2026-09-01T20:00:00+02:00',
  endDate: '2026-09-01T23:00:00+02:00',
  labels: ['uitDB'],
  placeId: PLACE,
  eventTypeId: '0.50.4.0.0',
  ticketTypes: [
    { id: 'base', name: 'Basis', price: 12.5, standard: true },
    { id: 'red', name: 'Reductie', price: 8, standard: false },
  ],
  ...meta,
  ...overrides,
});
const organisation = (overrides: Partial<Organisation> = {}) => ({
  organisationId: 'org-1',
  uitdatabankOrganizerId: ORG_ORGANIZER,
  ...overrides,
});

describe('the push plan', () => {
  it('sends the name, calendar, standard price in cents, organisation organizer, place and type', () => {
    expect(planPush(event(), organisation(), undefined)).toEqual({
      ok: true,
      plan: {
        name: 'Concert',
        calendar: {
          calendarType: 'single',
          startDate: '2026-09-01T20:00:00+02:00',
          endDate: '2026-09-01T23:00:00+02:00',
        },
        basePriceCents: 1250,
        organizerId: ORG_ORGANIZER,
        placeId: PLACE,
        eventTypeId: '0.50.4.0.0',
      },
    });
  });

  it('sends the promotor as organizer when the promotor has an UiTdatabank id', () => {
    const result = planPush(event({ promotorId: 'p-1' }), organisation(), {
      promotorId: 'p-1',
      uitdatabankOrganizerId: PROMOTOR_ORGANIZER,
    });
    expect(result).toMatchObject({ ok: true, plan: { organizerId: PROMOTOR_ORGANIZER } });
  });

  it('falls back to the organisation’s default place', () => {
    const result = planPush(
      event({ placeId: undefined }),
      organisation({ defaultPlaceId: OTHER_PLACE }),
      undefined,
    );
    expect(result).toMatchObject({ ok: true, plan: { placeId: OTHER_PLACE } });
  });

  it('pushes a free event with price 0', () => {
    const result = planPush(
      event({ ticketTypes: [{ id: 'b', name: 'Gratis', price: 0, standard: true }] }),
      organisation(),
      undefined,
    );
    expect(result).toMatchObject({ ok: true, plan: { basePriceCents: 0 } });
  });

  it.each([
    ['organizer-unresolved', event(), organisation({ uitdatabankOrganizerId: undefined })],
    [
      'no-standard-ticket-type',
      event({ ticketTypes: [{ id: 'r', name: 'R', price: 5, standard: false }] }),
      organisation(),
    ],
    [
      'several-standard-ticket-types',
      event({
        ticketTypes: [
          { id: 'a', name: 'A', price: 5, standard: true },
          { id: 'b', name: 'B', price: 6, standard: true },
        ],
      }),
      organisation(),
    ],
    [
      'invalid-standard-price',
      event({ ticketTypes: [{ id: 'a', name: 'A', price: 5.555, standard: true }] }),
      organisation(),
    ],
    ['no-place', event({ placeId: undefined }), organisation()],
    ['no-event-type', event({ eventTypeId: undefined }), organisation()],
    ['name-too-long', event({ name: 'x'.repeat(91) }), organisation()],
    ['invalid-dates', event({ endDate: '2026-08-01T20:00:00+02:00' }), organisation()],
  ] as const)('skips an event with %s, with the reason', (code, input, org) => {
    const result = planPush(input, org, undefined);
    expect(result).toMatchObject({ ok: false, skip: { code } });
    if (!result.ok) expect(result.skip.reason.length).toBeGreaterThan(10);
  });

  it('names the promotor when it is unknown, instead of falling back to the organisation', () => {
    const result = planPush(event({ promotorId: 'ghost' }), organisation(), undefined);
    expect(result).toMatchObject({ ok: false, skip: { code: 'organizer-unresolved' } });
    if (!result.ok) expect(result.skip.reason).toContain('promotor-unknown');
  });
});

describe('the calendar', () => {
  it('is one occurrence ending at its start when there is no end date', () => {
    expect(calendarFor('2026-09-01T20:00:00+02:00', undefined)).toEqual({
      calendarType: 'single',
      startDate: '2026-09-01T20:00:00+02:00',
      endDate: '2026-09-01T20:00:00+02:00',
    });
  });

  it('is one occurrence for an evening that runs past midnight', () => {
    expect(calendarFor('2026-09-01T20:00:00+02:00', '2026-09-02T02:00:00+02:00')?.calendarType).toBe(
      'single',
    );
  });

  it('is periodic for an event that lasts longer than a day', () => {
    expect(calendarFor('2026-09-01T10:00:00+02:00', '2026-09-03T18:00:00+02:00')).toEqual({
      calendarType: 'periodic',
      startDate: '2026-09-01T10:00:00+02:00',
      endDate: '2026-09-03T18:00:00+02:00',
    });
  });

  it('refuses an end before the start', () => {
    expect(calendarFor('2026-09-02T10:00:00+02:00', '2026-09-01T10:00:00+02:00')).toBeUndefined();
  });
});

describe('what changed since the last push', () => {
  const plan = () => {
    const result = planPush(event(), organisation(), undefined);
    if (!result.ok) throw new Error('expected a plan');
    return result.plan;
  };

  it('is nothing when the wanted fingerprint is the pushed one', () => {
    const fingerprint = fingerprintOf(plan());
    expect(changedPushFields(fingerprint, fingerprintOf(plan()))).toEqual([]);
  });

  it('is exactly the fields that differ', () => {
    const pushed = fingerprintOf(plan());
    const wanted = fingerprintOf({ ...plan(), name: 'Nieuw', basePriceCents: 1000 });
    expect(changedPushFields(pushed, wanted)).toEqual(['name', 'basePrice']);
  });

  it('is every field when nothing was recorded as pushed', () => {
    expect(changedPushFields(undefined, fingerprintOf(plan()))).toEqual([
      'name',
      'calendar',
      'basePrice',
      'organizer',
    ]);
  });

  it('keeps a refused value refused until the wanted value changes', () => {
    const issue = { type: 'x', status: 400, wanted: PROMOTOR_ORGANIZER, at: '2026-01-01T00:00:00Z' };
    expect(isStillRefused(issue, PROMOTOR_ORGANIZER)).toBe(true);
    expect(isStillRefused(issue, ORG_ORGANIZER)).toBe(false);
    expect(isStillRefused(undefined, ORG_ORGANIZER)).toBe(false);
  });

  it('tries a refused create again when the place changes', () => {
    expect(createFingerprint(plan())).not.toBe(createFingerprint({ ...plan(), placeId: OTHER_PLACE }));
  });
});

describe('the change feed window', () => {
  const item = (id: string, modified: string): FeedItem => ({ id, modified });
  const T0 = '2026-01-01T00:00:00+00:00';
  const T1 = '2026-01-01T00:00:01+00:00';
  const T2 = '2026-01-01T00:00:02+00:00';

  it('moves to the last item’s modified after a full page', () => {
    const step = nextFeedStep({ modifiedFrom: T0 }, 0, [item('a', T0), item('b', T1), item('c', T1)], 3, 10);
    expect(step).toEqual({ kind: 'next', window: { modifiedFrom: T1 }, start: 0 });
  });

  it('is done after a short page, at the last instant', () => {
    const step = nextFeedStep({ modifiedFrom: T0 }, 0, [item('a', T2)], 3, 10);
    expect(step).toEqual({ kind: 'done', window: { modifiedFrom: T2 } });
  });

  it('keeps the window when the feed is empty', () => {
    const window = { modifiedFrom: T1 };
    expect(nextFeedStep(window, 0, [], 3, 10)).toEqual({ kind: 'done', window });
  });

  it('pages with start through many items that share the boundary instant', () => {
    const step = nextFeedStep({ modifiedFrom: T1 }, 0, [item('a', T1), item('b', T1)], 2, 10);
    expect(step).toEqual({ kind: 'next', window: { modifiedFrom: T1 }, start: 2 });
  });

  it('skips one millisecond past an instant that holds more items than Search can page through', () => {
    const step = nextFeedStep({ modifiedFrom: T1 }, 10, [item('y', T1), item('z', T1)], 2, 10);
    expect(step).toMatchObject({
      kind: 'skip-instant',
      window: { modifiedFrom: '2026-01-01T00:00:01.001Z' },
      skippedInstant: T1,
    });
  });
});

describe('the change feed mark', () => {
  const MARK = '2026-01-01T10:00:00.000Z';
  const UP_TO = '2026-01-01T10:15:00.000Z';

  it('moves to where the run started reading once every query read to its end', () => {
    expect(nextFeedMark(MARK, UP_TO, [{ kind: 'done' }, { kind: 'done' }])).toBe(UP_TO);
    expect(nextFeedMark(MARK, UP_TO, [])).toBe(UP_TO);
  });

  it('stays at the least far query, and never moves back', () => {
    const stopped = '2026-01-01T10:05:00+00:00';
    expect(nextFeedMark(MARK, UP_TO, [{ kind: 'done' }, { kind: 'at', modifiedFrom: stopped }])).toBe(
      stopped,
    );
    expect(nextFeedMark(MARK, UP_TO, [{ kind: 'done' }, { kind: 'not-started' }])).toBe(MARK);
    expect(nextFeedMark(MARK, UP_TO, [{ kind: 'at', modifiedFrom: '2026-01-01T09:58:00Z' }])).toBe(MARK);
  });

  it('reads from a few minutes before the mark', () => {
    expect(FEED_OVERLAP_MS).toBeGreaterThanOrEqual(2 * 60_000);
  });
});

describe('what an assessment from the feed saw', () => {
  const facts = { workflowStatus: 'APPROVED', basePrice: 10, organizerId: 'AB-12' };

  it('is the same for the same instant and facts, whatever the offset notation', () => {
    expect(feedSeenKey('2026-01-01T01:00:01+01:00', facts)).toBe(feedSeenKey('2026-01-01T00:00:01Z', facts));
  });

  it('differs for a later modified, and for another fact at the same instant', () => {
    const key = feedSeenKey('2026-01-01T00:00:01Z', facts);
    expect(feedSeenKey('2026-01-01T00:00:02Z', facts)).not.toBe(key);
    expect(feedSeenKey('2026-01-01T00:00:01Z', { ...facts, workflowStatus: 'DELETED' })).not.toBe(key);
    expect(feedSeenKey('2026-01-01T00:00:01Z', 'invalid')).not.toBe(key);
  });
});

describe('whether what was seen covers what the feed shows', () => {
  const facts = { workflowStatus: 'READY_FOR_VALIDATION', basePrice: 12.5, organizerId: 'AB-12' };
  const seen = feedSeenKey('2026-01-01T00:00:05Z', facts);

  it('covers the same key, and the same facts at an earlier or equal instant', () => {
    expect(seenCovers(seen, seen)).toBe(true);
    expect(seenCovers(seen, feedSeenKey('2026-01-01T00:00:04.999Z', facts))).toBe(true);
    expect(seenCovers(seen, feedSeenKey('2026-01-01T01:00:05+01:00', facts))).toBe(true);
  });

  it('does not cover a later instant, other facts, a malformed event or nothing seen', () => {
    expect(seenCovers(seen, feedSeenKey('2026-01-01T00:00:05.001Z', facts))).toBe(false);
    expect(seenCovers(seen, feedSeenKey('2026-01-01T00:00:01Z', { ...facts, basePrice: 12 }))).toBe(false);
    expect(seenCovers(seen, feedSeenKey('2026-01-01T00:00:01Z', { ...facts, organizerId: null }))).toBe(
      false,
    );
    expect(seenCovers(seen, feedSeenKey('2026-01-01T00:00:01Z', 'invalid'))).toBe(false);
    expect(
      seenCovers(
        feedSeenKey('2026-01-01T00:00:05Z', 'invalid'),
        feedSeenKey('2026-01-01T00:00:01Z', 'invalid'),
      ),
    ).toBe(false);
    expect(seenCovers(undefined, seen)).toBe(false);
    expect(seenCovers(SEEN_GONE, feedSeenKey('2026-01-01T00:00:01Z', facts))).toBe(false);
  });

  it('compares instants only when both could be read as one', () => {
    const unreadable = feedSeenKey('not a date', facts);
    expect(seenCovers(unreadable, feedSeenKey('2026-01-01T00:00:01Z', facts))).toBe(false);
    expect(seenCovers(seen, unreadable)).toBe(false);
    expect(seenCovers(unreadable, unreadable)).toBe(true);
    for (const odd of [' ', '0x10', '1e3', '']) {
      expect(seenCovers(seen, feedSeenKey(odd, facts))).toBe(false);
    }
  });
});
