/**
 * The rules of the UiTdatabank sync, as plain data in and decisions out: what an event labelled `uitDB` looks like in
 * UiTdatabank (or why it cannot be pushed yet), which of its pushed fields changed since the last push, whether a
 * refused change may be tried again, and how the change feed's window moves. No I/O here; the use cases in lib/use-cases/sync
 * apply these decisions.
 */
import { isValidPrice, type Organisation, type Promotor, type TicketingEvent, toCents } from './mappings.js';
import { resolveOrganizer } from './organizer.js';

/** The fields the sync keeps in step with UiTdatabank after the create (place and event type are sent once). */
export const PUSHED_FIELDS = ['name', 'calendar', 'basePrice', 'organizer'] as const;
export type PushedField = (typeof PUSHED_FIELDS)[number];

/** UiTdatabank refuses longer names (`event-name.json`: maxLength 90). */
export const UITDATABANK_NAME_MAX = 90;

/** Events that end at most this long after they start are one occurrence (`single`); longer ones are `periodic`. */
export const SINGLE_OCCURRENCE_MAX_MS = 24 * 60 * 60 * 1000;

export type PushCalendar =
  | { calendarType: 'single'; startDate: string; endDate: string }
  | { calendarType: 'periodic'; startDate: string; endDate: string };

/** Everything `POST /events` needs, decided from the ticketing event and its organisation and promotor. */
export interface PushPlan {
  name: string;
  calendar: PushCalendar;
  /** Integer cents: prices are compared as integers, never as floats. */
  basePriceCents: number;
  organizerId: string;
  placeId: string;
  eventTypeId: string;
}

/**
 * One string per pushed field, exactly what was (or would be) sent. Comparing the stored fingerprint with the wanted
 * one says which Entry PUTs an update needs; a field absent from the stored fingerprint was never pushed.
 */
export type PushFingerprint = Partial<Record<PushedField, string>>;

export type PushSkipCode =
  | 'organizer-unresolved'
  | 'no-standard-ticket-type'
  | 'several-standard-ticket-types'
  | 'invalid-standard-price'
  | 'no-place'
  | 'no-event-type'
  | 'name-too-long'
  | 'invalid-dates';

export interface PushSkip {
  code: PushSkipCode;
  /** What an administrator should fix, in English (the readiness report has the Dutch texts). */
  reason: string;
}

export type PushPlanResult = { ok: true; plan: PushPlan } | { ok: false; skip: PushSkip };

/**
 * What the event becomes in UiTdatabank, or why it is not pushed at all: nothing is pushed half-done. The organizer
 * follows product rule 4 (`resolveOrganizer`); the base price is the one standard ticket type's price (product
 * rule 1: zero or several is a configuration error, never a guess); the location is the event's place, else the
 * organisation's default place. A price of 0 is pushed as it is (a free event is valid in UiTdatabank; the readiness
 * check is what says it cannot be an UiTPAS event).
 */
export function planPush(
  event: TicketingEvent,
  organisation:
    | Pick<Organisation, 'organisationId' | 'uitdatabankOrganizerId' | 'defaultPlaceId'>
    | undefined,
  promotor: Pick<Promotor, 'promotorId' | 'uitdatabankOrganizerId'> | undefined,
): PushPlanResult {
  const organizer = resolveOrganizer(event, organisation, promotor);
  if (!organizer.ok) {
    return skip('organizer-unresolved', `${organizer.reason.code}: ${organizer.reason.fix.en}`);
  }
  const standard = event.ticketTypes.filter((ticketType) => ticketType.standard);
  if (standard.length === 0) {
    return skip(
      'no-standard-ticket-type',
      'The event has no standard ticket type: mark exactly one as standard.',
    );
  }
  if (standard.length > 1) {
    return skip(
      'several-standard-ticket-types',
      `The event has ${standard.length} standard ticket types (${standard.map((t) => t.id).join(', ')}): mark exactly one as standard.`,
    );
  }
  const price = (standard[0] as (typeof standard)[number]).price;
  if (typeof price !== 'number' || !isValidPrice(price)) {
    return skip('invalid-standard-price', 'The standard ticket type has no valid price in EUR.');
  }
  const placeId = event.placeId ?? organisation?.defaultPlaceId;
  if (!placeId) {
    return skip(
      'no-place',
      `The event has no UiTdatabank place id, and organisation ${event.organisationId} has no default place id: set one of them.`,
    );
  }
  if (!event.eventTypeId) {
    return skip(
      'no-event-type',
      'The event has no UiTdatabank event type (term id, e.g. 0.50.4.0.0): set it.',
    );
  }
  const name = event.name.trim();
  if (name.length > UITDATABANK_NAME_MAX) {
    return skip(
      'name-too-long',
      `UiTdatabank takes names of at most ${UITDATABANK_NAME_MAX} characters; this one has ${name.length}: shorten it.`,
    );
  }
  const calendar = calendarFor(event.startDate, event.endDate);
  if (!calendar)
    return skip('invalid-dates', 'The start or end date is not a date-time, or the end is before the start.');
  return {
    ok: true,
    plan: {
      name,
      calendar,
      basePriceCents: toCents(price),
      organizerId: organizer.organizerId,
      placeId,
      eventTypeId: event.eventTypeId,
    },
  };
}

/**
 * The calendar sent to UiTdatabank. One occurrence (`single`) when there is no end date (it is sent as ending when
 * it starts: UiTdatabank needs an end) or when it ends within 24 hours of the start (an evening that runs past
 * midnight is still one show); `periodic` from start to end otherwise (a festival, an exhibition). The dates are sent
 * as the ticketing system wrote them, offsets included. Undefined for dates that cannot be sent.
 */
export function calendarFor(startDate: string, endDate: string | undefined): PushCalendar | undefined {
  const start = Date.parse(startDate);
  if (Number.isNaN(start)) return undefined;
  if (endDate === undefined) return { calendarType: 'single', startDate, endDate: startDate };
  const end = Date.parse(endDate);
  if (Number.isNaN(end) || end < start) return undefined;
  return end - start <= SINGLE_OCCURRENCE_MAX_MS
    ? { calendarType: 'single', startDate, endDate }
    : { calendarType: 'periodic', startDate, endDate };
}

export function fingerprintOf(plan: PushPlan): Required<PushFingerprint> {
  return {
    name: plan.name,
    calendar: `${plan.calendar.calendarType}|${plan.calendar.startDate}|${plan.calendar.endDate}`,
    basePrice: String(plan.basePriceCents),
    organizer: plan.organizerId,
  };
}

/**
 * The fields to send again: those whose wanted value differs from what was last pushed. A field that was never
 * pushed (no fingerprint, e.g. an id stored by an earlier version of the sync) counts as changed, so it is sent once.
 */
export function changedPushFields(
  pushed: PushFingerprint | undefined,
  wanted: PushFingerprint,
): PushedField[] {
  return PUSHED_FIELDS.filter((field) => wanted[field] !== undefined && pushed?.[field] !== wanted[field]);
}

/** UiTdatabank refuses an organizer change once the event has UiTPAS ticket sales (brief §3). Match the full type. */
export const EVENT_HAS_UITPAS_TICKET_SALES =
  'https://api.publiq.be/probs/uitdatabank/event-has-uitpas-ticket-sales';

/** A change UiTdatabank refused for good (a 4xx problem), kept on the event so it is not sent again every run. */
export interface SyncIssue {
  /** The problem `type` UiTdatabank answered. */
  type: string;
  status: number;
  detail?: string;
  /** The fingerprint of the refused value (for `create`: of the whole plan, place and type included). */
  wanted: string;
  at: string;
}

export type SyncIssueKey = PushedField | 'create';
export type SyncIssues = Partial<Record<SyncIssueKey, SyncIssue>>;

/**
 * A refused value is not sent again until what we want changes: the same organizer would be refused again (the
 * sales do not go away), the same invalid body would be refused again. A new wanted value is tried once more.
 */
export function isStillRefused(issue: SyncIssue | undefined, wanted: string): boolean {
  return issue !== undefined && issue.wanted === wanted;
}

/** The fingerprint of a create: every field of the plan, so a fix of any of them (e.g. the place) is tried again. */
export function createFingerprint(plan: PushPlan): string {
  const fields = fingerprintOf(plan);
  return [
    fields.name,
    fields.calendar,
    fields.basePrice,
    fields.organizer,
    plan.placeId,
    plan.eventTypeId,
  ].join('|');
}

// --- The change feed ---------------------------------------------------------------------------------------------

/**
 * How far before the stored high-water mark every run starts reading the change feed. Search indexes a change a
 * little after its `modified`, and our clock and UiTdatabank's may differ: a mark that moved past a change before
 * Search showed it must not hide that change for good. What is read again is recognised per event (`feedSeenKey`),
 * so the overlap costs Search rows, not assessments.
 */
export const FEED_OVERLAP_MS = 5 * 60_000;

/** Where one query of the change feed goes on within a run: Search's `modifiedFrom` (inclusive). */
export interface FeedWindow {
  modifiedFrom: string;
}

export interface FeedItem {
  /** Lower case. */
  id: string;
  modified: string;
}

export type FeedStep =
  /** The page was the last one: the feed is read to the end. */
  | { kind: 'done'; window: FeedWindow }
  /** Go on with this window from `start`. */
  | { kind: 'next'; window: FeedWindow; start: number }
  /**
   * More than `startMax + limit` items share one `modified` instant: Search cannot page further, so the window skips
   * one millisecond past it. Items at that instant beyond the cap are not seen this time (logged as a warning).
   */
  | { kind: 'skip-instant'; window: FeedWindow; start: 0; skippedInstant: string };

/**
 * The next request after a page of the feed (sorted by `modified` ascending). The window moves to the last item's
 * `modified` after every page (keyset paging), so an item that changes while we page (and so moves to the end of the
 * order) cannot shift another one out of sight, as offset paging would. `start` is only used to page through many
 * items that share one instant, up to Search's cap. Items on the boundary come again on the next page; they are
 * recognised per event (`feedSeenKey`).
 */
export function nextFeedStep(
  window: FeedWindow,
  start: number,
  page: readonly Pick<FeedItem, 'modified'>[],
  limit: number,
  startMax: number,
): FeedStep {
  const last = page.at(-1);
  if (!last) return { kind: 'done', window };
  const stays = sameInstant(last.modified, window.modifiedFrom);
  const next: FeedWindow = stays ? window : { modifiedFrom: last.modified };
  if (page.length < limit) return { kind: 'done', window: next };
  if (!stays) return { kind: 'next', window: next, start: 0 };
  // The whole page sat on the boundary instant: page on within it.
  const nextStart = start + limit;
  if (nextStart <= startMax) return { kind: 'next', window: next, start: nextStart };
  const skipped = new Date(Date.parse(last.modified) + 1).toISOString();
  return {
    kind: 'skip-instant',
    window: { modifiedFrom: skipped },
    start: 0,
    skippedInstant: last.modified,
  };
}

/** How far one query of the change feed got in a run. */
export type FeedReach =
  /** Read to its end. */
  | { kind: 'done' }
  /** Stopped (deadline, lease, a failure): every change before this instant was processed, some at it maybe. */
  | { kind: 'at'; modifiedFrom: string }
  | { kind: 'not-started' };

/**
 * The high-water mark to store after a run read the feed from `mark - FEED_OVERLAP_MS`, with one query per group of
 * organizers. A query read to its end has seen every change up to `readUpTo` (the run's clock when it started reading;
 * what Search had not indexed yet then is within the next run's overlap); a stopped one only up to where it stopped;
 * one not started, nothing new. The mark is the least of these, and never moves back.
 */
export function nextFeedMark(mark: string, readUpTo: string, reaches: readonly FeedReach[]): string {
  let least = readUpTo;
  for (const reach of reaches) {
    const at = reach.kind === 'done' ? readUpTo : reach.kind === 'at' ? reach.modifiedFrom : mark;
    if (Date.parse(at) < Date.parse(least)) least = at;
  }
  return Date.parse(least) > Date.parse(mark) ? least : mark;
}

/** What the readiness checklist reads of an UiTdatabank event (see `toUitdatabankEventFacts` in lib/use-cases/readiness). */
export interface FeedFacts {
  workflowStatus: string | undefined;
  basePrice: number | undefined;
  organizerId: string | null;
}

/**
 * What one assessment looked at: the UiTdatabank event's `modified` and the facts the checklist reads from it (or
 * that it was malformed). Stored with the assessment, so an event the feed shows again (the overlap, a page
 * boundary, the daily sweep) is not assessed again for nothing. A later `modified` is processed; so is a change at
 * the same instant that altered a fact (UiTdatabank writes `modified` to the second, so two changes within one
 * second share it).
 */
export function feedSeenKey(modified: string, facts: FeedFacts | 'invalid'): string {
  const ms = Date.parse(modified);
  const at = Number.isNaN(ms) ? modified : String(ms);
  if (facts === 'invalid') return `${at}|invalid`;
  return [
    at,
    facts.workflowStatus ?? '',
    facts.basePrice ?? '',
    (facts.organizerId ?? '').toLowerCase(),
  ].join('|');
}

/**
 * Whether what an assessment saw (`seen`, a `feedSeenKey`) covers what the feed or the sweep shows now (`key`): the
 * same, or the same facts at an instant no later than the one seen. The latter is how a Search row that lags behind
 * a fresh Entry read is recognised, and how the assessment the push makes of an event it just created (keyed by our
 * clock when the POST returned, with the facts it sent: lib/use-cases/sync/push.ts) covers the feed showing that
 * event as created. A later `modified` is never covered, nor a malformed event (`invalid`), nor `SEEN_GONE`.
 */
export function seenCovers(seen: string | undefined, key: string): boolean {
  if (seen === undefined) return false;
  if (seen === key) return true;
  const [seenAt, ...seenFacts] = seen.split('|');
  const [keyAt, ...keyFacts] = key.split('|');
  if (seenFacts.length !== 3 || seenFacts.join('|') !== keyFacts.join('|')) return false;
  return (
    seenAt !== undefined &&
    keyAt !== undefined &&
    isInstant(seenAt) &&
    isInstant(keyAt) &&
    Number(keyAt) <= Number(seenAt)
  );
}

/** An instant as `feedSeenKey` writes one it could read (epoch ms): `Number` alone would take ' ' or '0x10' too. */
const isInstant = (at: string) => /^-?\d+$/.test(at);

/** Recorded when Entry answered 404 for an event that Search does not show either: nothing to assess until it returns. */
export const SEEN_GONE = 'gone';

function sameInstant(a: string, b: string): boolean {
  const left = Date.parse(a);
  const right = Date.parse(b);
  return Number.isNaN(left) || Number.isNaN(right) ? a === b : left === right;
}

function skip(code: PushSkipCode, reason: string): PushPlanResult {
  return { ok: false, skip: { code, reason } };
}
