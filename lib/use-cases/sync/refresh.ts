/**
 * Refresh: keep the readiness verdict of every UiTPAS-labelled event with an UiTdatabank id up to date, at a cost that
 * grows with our changes, not with the catalogue.
 *
 * - Changes in UiTdatabank come from the Search change feed, limited to our organizers: `GET /events?q=organizer.id:
 *   (A OR B ...)&modifiedFrom=<mark - overlap>&sort[modified]=asc&disableDefaultFilters=true&embed=true`, one query
 *   per group of organizers (the organisations' and promotors' organizers, and those our UiTdatabank events were last
 *   seen with), page after page. Each query's window moves to the last item's `modified` after every page (see
 *   `nextFeedStep`); the stored high-water mark moves to where the run started reading once every query read to its
 *   end (`nextFeedMark`), and each run reads again from a few minutes before it (`FEED_OVERLAP_MS`), so a change that
 *   Search indexed late is still seen. Each changed UiTdatabank event that one of our events maps to is assessed with
 *   the event the feed already returned, so only UiTPAS is asked (card systems); what an assessment saw is kept on the
 *   event (`feedSeenKey`), so the overlap and page boundaries do not cause a second assessment.
 * - A malformed event in the feed is passed over (the window still moves by its `modified`); if it is one of ours,
 *   that is a failure of that event, reported once per change, not something to retry.
 * - An event moved to an organizer that is not ours leaves the filtered feed: a slow sweep looks up all our mapped ids
 *   once a day (a bounded batch per run, 100 ids per Search request) and assesses what it has not seen yet.
 * - Changes on our side (a new mapping, an admin edit, another organizer through an organisation or promotor, a
 *   permission UiTPAS granted or withdrew for the organizer) are found by comparing the event with what it was when
 *   it was last assessed (`syncRefreshed`), and its snapshot's organizer permission with the fresh permissions; those
 *   events are assessed with a fresh read of UiTdatabank. So are events whose last assessment could not reach an
 *   upstream, and events UiTPAS did not know yet minutes after the sync created them.
 */

import { UpstreamUnavailable } from '../../domain/errors.js';
import { type TicketingEvent, UITPAS_LABEL } from '../../domain/mappings.js';
import { resolveOrganizer } from '../../domain/organizer.js';
import {
  missingPermissions,
  type PermittedOrganizer,
  permissionsFor,
  REQUIRED_PERMISSIONS,
  type ReadinessReport,
  type UitdatabankEventFacts,
} from '../../domain/readiness.js';
import type { ReadinessSnapshot } from '../../domain/readiness-snapshot.js';
import {
  FEED_OVERLAP_MS,
  type FeedItem,
  type FeedReach,
  type FeedWindow,
  feedSeenKey,
  nextFeedMark,
  nextFeedStep,
  SEEN_GONE,
  seenCovers,
} from '../../domain/sync.js';
import { idFromUri, isUitdatabankId } from '../../domain/uitdatabank-ids.js';
import { logger } from '../../logger.js';
import {
  assessEvent,
  type Prefetched,
  type ReadinessDeps,
  toUitdatabankEventFacts,
} from '../readiness/assess.js';
import type { ReadinessSnapshots } from '../readiness/ports.js';
import { forEachLimited, type RunContext } from './context.js';
import type {
  Assessment,
  EventPage,
  InvalidMember,
  RefreshedState,
  SweepState,
  SyncEventItem,
  UitdatabankEvent,
} from './ports.js';

/** UiTPAS registers a newly published event a little later: a 404 this soon after our create is not an answer yet. */
const UITPAS_REGISTRATION_GRACE_MS = 30 * 60_000;
/** Ids per sweep request (`q=id:(A OR B ...)`): about 4 kB of URL. */
const SWEEP_IDS_PER_QUERY = 100;

/** What the refresh needs besides the run context: the permissions read at the start of the run, if any. */
export interface RefreshInput {
  permissions: readonly PermittedOrganizer[] | undefined;
}

/** An UiTdatabank event that does not match what we read (the client's schema): not ready to assess. */
export class InvalidUitdatabankEvent extends Error {
  override readonly name = 'InvalidUitdatabankEvent';
}

export async function refreshPhase(assessor: Assessor): Promise<void> {
  const refresh = createRefresh(assessor);
  await readFeed(refresh);
  await sweep(refresh);
  await assessChangedOnOurSide(refresh);
}

/** A member of a Search page, in page order: an event, or what could be read of a malformed one. */
type Entry = { event: UitdatabankEvent } | { invalid: InvalidMember };

function entriesOf(page: EventPage): Entry[] {
  const invalid = new Map(page.invalid.map((member) => [member.index, member]));
  const entries: Entry[] = [];
  let next = 0;
  for (let index = 0; index < page.member.length + page.invalid.length; index += 1) {
    const member = invalid.get(index);
    if (member) entries.push({ invalid: member });
    else {
      const event = page.member[next];
      next += 1;
      if (event) entries.push({ event });
    }
  }
  return entries;
}

function entryId(entry: Entry): string | undefined {
  const uri = 'event' in entry ? entry.event['@id'] : entry.invalid['@id'];
  return uri === undefined ? undefined : (idFromUri(uri, 'event') ?? uri).toLowerCase();
}

function entryModified(entry: Entry): string | undefined {
  return 'event' in entry ? (entry.event.modified ?? entry.event.created) : entry.invalid.modified;
}

function seenKeyOf(entry: Entry, modified: string): string {
  return feedSeenKey(modified, 'event' in entry ? toUitdatabankEventFacts(entry.event) : 'invalid');
}

/** True when this event's last assessment saw this, or the same facts later (and needs no retry). */
function alreadySeen(item: SyncEventItem, key: string): boolean {
  const last = item.sync.refreshed;
  return last !== undefined && !last.pending && seenCovers(last.seen, key);
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < list.length; i += size) result.push(list.slice(i, i + size));
  return result;
}

/**
 * The readiness check as this run makes it, in the push (an event it just created) and in the refresh: the run, the
 * permissions read at its start, and what its assessments learned so far.
 */
export interface Assessor {
  ctx: RunContext;
  /** The permissions read at the start of the run; undefined when they could not be read. */
  permissions: readonly PermittedOrganizer[] | undefined;
  assess: typeof assessEvent;
  /**
   * The readiness check's ports: this run's clients, and what it has read already. Not where it keeps its verdict:
   * each assessment hands its snapshot to `record`, which stores it in the same write as the sync's own record.
   */
  readinessDeps: Omit<ReadinessDeps, 'snapshots'>;
  /** What the assessments of this run read from Entry (null: 404), to record what they saw. */
  fetched: Map<string, UitdatabankEvent | null>;
  /** UiTdatabank ids UiTPAS answered 404 for in this run. */
  unknownToUitpas: Set<string>;
  /** Per lower-case organizer id, the required permissions it holds (see `permissionKey`). */
  permissionKeys: Map<string, string>;
  /**
   * Events the push created and assessed in this run: the refresh leaves them alone until the next run, as it does
   * an event it assessed itself, even when the feed shows them with a `modified` later than that assessment saw
   * (our clock behind UiTdatabank's, UiTPAS adding its labels) or UiTPAS did not know them yet.
   */
  assessedAtCreate: Set<string>;
}

/** What the steps of one refresh share: the assessor, and our events by UiTdatabank id as the push left them. */
interface Refresh extends Assessor {
  /** UiTPAS events by lower-case UiTdatabank id (several of ours may map to one). */
  byUitdatabankId: Map<string, SyncEventItem[]>;
  /** Events an assessment was started for in this run: the later steps leave them alone. */
  attempted: Set<string>;
}

export function createAssessor(ctx: RunContext, input: RefreshInput): Assessor {
  const fetched = new Map<string, UitdatabankEvent | null>();
  const unknownToUitpas = new Set<string>();
  return {
    ctx,
    permissions: input.permissions,
    assess: ctx.deps.assess ?? assessEvent,
    readinessDeps: readinessDepsOf(ctx, fetched, unknownToUitpas),
    fetched,
    unknownToUitpas,
    permissionKeys: permissionKeysOf(input.permissions),
    assessedAtCreate: new Set(),
  };
}

function createRefresh(assessor: Assessor): Refresh {
  return {
    ...assessor,
    byUitdatabankId: uitpasEventsByUitdatabankId(assessor.ctx.items),
    attempted: new Set(assessor.assessedAtCreate),
  };
}

/** The readiness check over this run's clients, noting what Entry and UiTPAS answered. */
function readinessDepsOf(
  ctx: RunContext,
  fetched: Map<string, UitdatabankEvent | null>,
  unknownToUitpas: Set<string>,
): Omit<ReadinessDeps, 'snapshots'> {
  const { deps } = ctx;
  return {
    mappings: {
      getEvent: (eventId: string) => deps.mappings.getEvent(eventId),
      // Every event of an organisation reads the same organisation and promotors: this run read them already.
      getOrganisation: async (organisationId: string) =>
        ctx.organisations.get(organisationId) ?? deps.mappings.getOrganisation(organisationId),
      getPromotor: (promotorId: string) => ctx.promotor(promotorId),
      listMappingEvents: (query) => deps.mappings.listMappingEvents(query),
    },
    uitdatabank: {
      async getEvent(id) {
        try {
          const found = await deps.entry.getEvent(id);
          fetched.set(id.toLowerCase(), found);
          return found;
        } catch (error) {
          // Reading it again will not make it match: not "unreachable, try again", but an invalid event.
          if (error instanceof UpstreamUnavailable && error.reason === 'invalid-response') {
            throw new InvalidUitdatabankEvent(
              `UiTdatabank event ${id} does not match the expected schema (${error.message}); it is checked again when it changes`,
            );
          }
          throw error;
        }
      },
    },
    uitpas: {
      async getEventCardSystems(id) {
        const cardSystems = await deps.uitpas.getEventCardSystems(id);
        if (cardSystems === null) unknownToUitpas.add(id.toLowerCase());
        else unknownToUitpas.delete(id.toLowerCase());
        return cardSystems;
      },
    },
    permissions: deps.permissions,
    now: ctx.now,
  };
}

function permissionKeysOf(permissions: readonly PermittedOrganizer[] | undefined): Map<string, string> {
  return new Map(
    (permissions ?? []).map((organizer) => [
      organizer.organizerId.toLowerCase(),
      REQUIRED_PERMISSIONS.filter((permission) => organizer.permissions.includes(permission))
        // A change of card-system limit changes what the till may sell (the snapshot's `cardSystems`): assess again.
        // A permission without limit keeps the key it had before limits were kept; a limited one gets a new key once,
        // so its events are assessed again once and their snapshots learn the coverage.
        .map((permission) => {
          const limit = organizer.cardSystemLimits?.[permission];
          return limit ? `${permission}[${limit.join(' ')}]` : permission;
        })
        .join(','),
    ]),
  );
}

/** The required permissions the organizer holds, as an assessment records them; undefined without fresh ones. */
function permissionKey(refresh: Assessor, organizerId: string): string | undefined {
  return refresh.permissions === undefined ? undefined : (refresh.permissionKeys.get(organizerId) ?? '');
}

function uitpasEventsByUitdatabankId(items: readonly SyncEventItem[]): Map<string, SyncEventItem[]> {
  const byUitdatabankId = new Map<string, SyncEventItem[]>();
  for (const item of items) {
    const id = item.event.uitdatabankId;
    if (id === undefined || !item.event.labels.includes(UITPAS_LABEL)) continue;
    const key = id.toLowerCase();
    byUitdatabankId.set(key, [...(byUitdatabankId.get(key) ?? []), item]);
  }
  return byUitdatabankId;
}

async function organizerOf(ctx: RunContext, item: SyncEventItem): Promise<string> {
  const { event } = item;
  const promotor = event.promotorId === undefined ? undefined : await ctx.promotor(event.promotorId);
  const resolved = resolveOrganizer(event, ctx.organisations.get(event.organisationId), promotor);
  return resolved.ok ? resolved.organizerId.toLowerCase() : '';
}

/**
 * Stores what the event's last assessment was, with the readiness snapshot it made (one write); false when even the
 * record could not be stored. A snapshot the readiness rules do not let in (the event changed meanwhile, a later check
 * is stored) or that cannot be written is left out, as the readiness check would, and the record is written alone.
 */
async function record(
  ctx: RunContext,
  item: SyncEventItem,
  refreshed: RefreshedState,
  snapshot?: ReadinessSnapshot,
): Promise<boolean> {
  const { eventId } = item.event;
  if (snapshot) {
    try {
      if (await ctx.deps.store.saveAssessment(eventId, refreshed, snapshot)) {
        item.sync.refreshed = refreshed;
        return true;
      }
      logger.info('Readiness snapshot not stored: the event changed meanwhile', { eventId });
    } catch (error) {
      logger.error('Readiness snapshot not stored', { eventId, error: error as Error });
    }
  }
  try {
    await ctx.deps.store.saveRefreshed(eventId, refreshed);
  } catch (error) {
    ctx.report.fail(eventId, 'assess', error, 'storing the assessment');
    return false;
  }
  item.sync.refreshed = refreshed;
  return true;
}

/** Created by this sync minutes ago: UiTPAS may not have registered it yet. */
function justCreated(ctx: RunContext, item: SyncEventItem, uitdatabankId: string): boolean {
  const pushed = item.sync.pushed;
  return (
    pushed !== undefined &&
    pushed.uitdatabankId.toLowerCase() === uitdatabankId.toLowerCase() &&
    ctx.now().getTime() - Date.parse(pushed.at) < UITPAS_REGISTRATION_GRACE_MS
  );
}

/** What an assessment records: the event as it was assessed, and whether to assess it again next run. */
function refreshedState(
  refresh: Assessor,
  assessed: { uitdatabankId: string; version: number; organizerId: string },
  pending: boolean,
  seen: string | undefined,
): RefreshedState {
  const key = permissionKey(refresh, assessed.organizerId);
  return {
    uitdatabankId: assessed.uitdatabankId,
    version: assessed.version,
    organizerId: assessed.organizerId,
    ...(key === undefined ? {} : { permissions: key }),
    at: refresh.ctx.now().toISOString(),
    ...(pending ? { pending: true } : {}),
    ...(seen === undefined ? {} : { seen }),
  };
}

/** A verdict, and the snapshot the check made of it (kept, not written). */
interface Judged {
  verdict: ReadinessReport;
  snapshot: ReadinessSnapshot | undefined;
}

/** Runs the readiness check on `event` without storing its verdict: the caller writes it with its own record. */
async function judge(assessor: Assessor, event: TicketingEvent, prefetched: Prefetched): Promise<Judged> {
  let snapshot: ReadinessSnapshot | undefined;
  const snapshots: ReadinessSnapshots = {
    async storeSnapshot(_eventId, made) {
      snapshot = made;
      return { stored: true };
    },
  };
  const verdict = await assessor.assess(event, { ...assessor.readinessDeps, snapshots }, prefetched);
  return { verdict, snapshot };
}

/** Some item of the checklist could not be read (UiTdatabank or UiTPAS gave no usable answer). */
const unreachableIn = (verdict: ReadinessReport) => verdict.items.some((entry) => entry.unavailable === true);

/** UiTPAS only registers published events: waiting for it makes sense only for one that is. */
const publishedIn = (verdict: ReadinessReport) =>
  verdict.items.some((entry) => entry.id === 'uitdatabank-event' && entry.ok);

/** Counts a recorded assessment in the report: refreshed, or a transient failure to assess again next run. */
function reportAssessed(ctx: RunContext, eventId: string, unreachable: boolean): void {
  if (unreachable)
    ctx.report.failed.push({
      eventId,
      phase: 'assess',
      error: 'UiTdatabank or UiTPAS could not be reached for part of the checklist; assessed again next run',
      transient: true,
    });
  else ctx.report.refreshed += 1;
}

/**
 * Assesses one event and records what it looked at: with the UiTdatabank event the feed or the sweep returned, or
 * with a fresh read. False only when even "assess it again next run" could not be recorded: the caller must then
 * not move the change feed past it.
 */
async function assessOne(
  refresh: Refresh,
  item: SyncEventItem,
  seenInSearch?: { event: UitdatabankEvent; key: string },
): Promise<boolean> {
  const { ctx } = refresh;
  const { event } = item;
  const uitdatabankId = event.uitdatabankId;
  if (uitdatabankId === undefined) return true;
  refresh.attempted.add(event.eventId);
  let organizerId = '';
  const state = (pending: boolean, seen: string | undefined) =>
    refreshedState(refresh, { uitdatabankId, version: event.version, organizerId }, pending, seen);
  let judged: Judged;
  try {
    organizerId = await organizerOf(ctx, item);
    judged = await judge(
      refresh,
      event,
      seenInSearch === undefined ? {} : { uitdatabankEvent: seenInSearch.event },
    );
  } catch (error) {
    const invalid = error instanceof InvalidUitdatabankEvent;
    const failure = ctx.report.fail(event.eventId, 'assess', error);
    // An invalid event waits for its next change (the feed brings it); anything else is tried again next run.
    failure.transient = !invalid;
    return record(ctx, item, state(!invalid, undefined));
  }
  const { verdict, snapshot } = judged;
  const seen = seenInSearch?.key ?? seenInEntry(refresh, uitdatabankId);
  const unreachable = unreachableIn(verdict);
  const awaitingUitpas =
    publishedIn(verdict) &&
    refresh.unknownToUitpas.has(uitdatabankId.toLowerCase()) &&
    justCreated(ctx, item, uitdatabankId);
  if (!(await record(ctx, item, state(unreachable || awaitingUitpas, seen), snapshot))) return false;
  reportAssessed(ctx, event.eventId, unreachable);
  return true;
}

/**
 * The first assessment of an event the push just created, made before its id is stored so that the one write after
 * the POST stores the verdict too (`storeSyncedId`). `next` is the event as that write makes it (the id, the next
 * version); `facts` are what the POST sent and UiTdatabank accepted, so UiTdatabank is not read again, and what it
 * saw is keyed by `sentAt`, our clock when the POST returned: the feed showing the event as it was created (same
 * facts, `modified` no later) is then recognised as seen (`seenCovers`). Only UiTPAS is asked (its card systems).
 * Undefined when the check could not be made: the refresh of this run assesses the event instead. One that is to be
 * made again (`pending`: an upstream could not be reached, or UiTPAS does not know the event yet) is made by the next
 * run, as for any assessment of the refresh.
 */
export async function assessCreated(
  assessor: Assessor,
  item: SyncEventItem,
  next: TicketingEvent,
  facts: UitdatabankEventFacts,
  sentAt: Date,
): Promise<{ assessment: Assessment; unreachable: boolean } | undefined> {
  const uitdatabankId = next.uitdatabankId;
  if (uitdatabankId === undefined || !next.labels.includes(UITPAS_LABEL)) return undefined;
  let judged: Judged;
  let organizerId: string;
  try {
    organizerId = await organizerOf(assessor.ctx, item);
    judged = await judge(assessor, next, { uitdatabankEventFacts: facts });
  } catch (error) {
    logger.warn('First assessment of a created event not made; the refresh makes it', {
      eventId: next.eventId,
      error: error as Error,
    });
    return undefined;
  }
  const { verdict, snapshot } = judged;
  if (!snapshot) return undefined;
  const unreachable = unreachableIn(verdict);
  // Just created: UiTPAS not knowing it yet is no answer (as `justCreated` says in the refresh).
  const awaitingUitpas = publishedIn(verdict) && assessor.unknownToUitpas.has(uitdatabankId.toLowerCase());
  const refreshed = refreshedState(
    assessor,
    { uitdatabankId, version: next.version, organizerId },
    unreachable || awaitingUitpas,
    feedSeenKey(sentAt.toISOString(), facts),
  );
  return { assessment: { refreshed, snapshot }, unreachable };
}

/** What the push stored of its first assessment: on the item for the refresh, and in the report. */
export function assessedOnCreate(
  assessor: Assessor,
  item: SyncEventItem,
  created: { assessment: Assessment; unreachable: boolean },
): void {
  const { refreshed, snapshot } = created.assessment;
  assessor.assessedAtCreate.add(item.event.eventId);
  item.sync.refreshed = refreshed;
  item.readiness = {
    eventVersion: snapshot.eventVersion,
    ...(snapshot.organizerPermission ? { organizerPermission: snapshot.organizerPermission } : {}),
  };
  reportAssessed(assessor.ctx, item.event.eventId, created.unreachable);
}

/** What an assessment with a fresh Entry read saw, if it read one. */
function seenInEntry(refresh: Refresh, uitdatabankId: string): string | undefined {
  const found = refresh.fetched.get(uitdatabankId.toLowerCase());
  if (found === undefined) return undefined;
  if (found === null) return SEEN_GONE;
  const modified = found.modified ?? found.created;
  return modified === undefined ? undefined : feedSeenKey(modified, toUitdatabankEventFacts(found));
}

/** One of ours is malformed in UiTdatabank: its own failure, reported once per change (not transient). */
async function recordInvalid(
  refresh: Refresh,
  item: SyncEventItem,
  member: InvalidMember,
  seen: string,
): Promise<boolean> {
  const { ctx } = refresh;
  const { event } = item;
  refresh.attempted.add(event.eventId);
  const failure = ctx.report.fail(
    event.eventId,
    'refresh',
    new InvalidUitdatabankEvent(
      `UiTdatabank event ${event.uitdatabankId} (modified ${member.modified ?? '?'}) does not match the expected schema (${member.detail}); its readiness is checked again when it changes`,
    ),
  );
  failure.transient = false;
  // Nothing more can be learned until the UiTdatabank event changes: recorded as assessed for this version.
  let organizerId = item.sync.refreshed?.organizerId;
  try {
    organizerId = await organizerOf(ctx, item);
  } catch {
    // Keep what the last assessment resolved; the next run resolves it again.
  }
  const key = organizerId === undefined ? undefined : permissionKey(refresh, organizerId);
  return record(ctx, item, {
    uitdatabankId: event.uitdatabankId ?? '',
    version: event.version,
    ...(organizerId === undefined ? {} : { organizerId }),
    ...(key === undefined ? {} : { permissions: key }),
    at: ctx.now().toISOString(),
    seen,
  });
}

/** One of our events to assess for a member of a Search page. */
interface Work {
  item: SyncEventItem;
  entry: Entry;
  key: string;
  /** Place in the page. */
  index: number;
}

function processEntry(refresh: Refresh, work: Work): Promise<boolean> {
  const { item, entry, key } = work;
  return 'event' in entry
    ? assessOne(refresh, item, { event: entry.event, key })
    : recordInvalid(refresh, item, entry.invalid, key);
}

// --- The change feed ----------------------------------------------------------------------------------------------

/** Organizers the feed asks for: those of our organisations, of our events, and seen on our UiTdatabank events. */
async function feedOrganizers(refresh: Refresh): Promise<string[]> {
  const { ctx } = refresh;
  const ids = new Set<string>();
  for (const organisation of ctx.organisations.values())
    if (organisation.uitdatabankOrganizerId) ids.add(organisation.uitdatabankOrganizerId.toLowerCase());
  for (const items of refresh.byUitdatabankId.values()) {
    for (const item of items) {
      const resolved = await organizerOf(ctx, item);
      if (resolved) ids.add(resolved);
      const seen = item.readiness?.organizerPermission?.organizerId;
      if (seen) ids.add(seen.toLowerCase());
    }
  }
  // Only well-formed ids go into the query: anything else could change its meaning.
  return [...ids].filter(isUitdatabankId).sort();
}

async function readFeed(refresh: Refresh): Promise<void> {
  const { ctx } = refresh;
  const { deps, options, report } = ctx;
  const readUpTo = ctx.now().toISOString();
  let mark: string;
  let organizers: string[];
  try {
    const stored = await deps.store.getFeedMark();
    mark = stored ?? new Date(Date.parse(readUpTo) - options.initialLookbackMs).toISOString();
    organizers = await feedOrganizers(refresh);
  } catch (error) {
    // Without the mark or all our organizers, reading could move the mark past changes of ours.
    report.fail('*', 'refresh', error, 'preparing the change feed; not read this run');
    return;
  }
  const from = new Date(Date.parse(mark) - FEED_OVERLAP_MS).toISOString();
  const figures = { from, to: mark, pages: 0, items: 0, matched: 0 };
  report.feed = figures;
  const queries = chunks(organizers, options.feedOrganizersPerQuery);
  const reaches: FeedReach[] = queries.map(() => ({ kind: 'not-started' }));
  let saved = mark;
  let unsaved = false;
  const save = async (): Promise<boolean> => {
    const next = nextFeedMark(mark, readUpTo, reaches);
    if (unsaved || Date.parse(next) <= Date.parse(saved)) return !unsaved;
    try {
      await deps.store.saveFeedMark(next, ctx.now());
    } catch (error) {
      // The mark stays where it was: the next run reads this stretch again (what it assessed is recognised).
      report.fail('*', 'refresh', error, 'storing the change feed mark');
      unsaved = true;
      return false;
    }
    saved = next;
    figures.to = next;
    return true;
  };
  for (const [i, group] of queries.entries()) {
    const q = `organizer.id:(${group.join(' OR ')})`;
    reaches[i] = await readQuery(refresh, q, from, figures, async (reach) => {
      reaches[i] = reach;
      return save();
    });
    if (unsaved) return;
    if (ctx.stopReason()) break;
  }
  await save();
}

/** One query of the feed, read to its end or until the run must stop; says how far it got. */
async function readQuery(
  refresh: Refresh,
  q: string,
  from: string,
  figures: { pages: number; items: number; matched: number },
  progress: (reach: FeedReach) => Promise<boolean>,
): Promise<FeedReach> {
  const { ctx } = refresh;
  const { options, report } = ctx;
  let window: FeedWindow = { modifiedFrom: from };
  const at = (): FeedReach => ({ kind: 'at', modifiedFrom: window.modifiedFrom });
  let start = 0;
  for (;;) {
    if (!(await ctx.proceed())) return at();
    const page = await feedPage(ctx, q, window, start);
    if (page === undefined) return at();
    figures.pages += 1;
    const entries = entriesOf(page);
    figures.items += entries.length;
    const { items, work } = pageWork(refresh, entries, window);
    figures.matched += work.length;

    const { recorded, started } = await assessPage(refresh, work);
    if (!recorded) {
      report.warn(
        `Change feed stopped at ${window.modifiedFrom}: an assessment could not be recorded; read again next run.`,
      );
      return at();
    }
    const notStarted = work.find((entry) => !started.has(entry.index));
    if (notStarted) {
      // The run must stop (deadline or lease) within the page: what came before that item is done.
      const reach: FeedReach = {
        kind: 'at',
        modifiedFrom: items[notStarted.index]?.modified ?? window.modifiedFrom,
      };
      await progress(reach);
      return reach;
    }
    const step = nextFeedStep(window, start, items, options.feedPageLimit, options.feedStartMax);
    if (step.kind === 'skip-instant') {
      report.warn(
        `More than ${options.feedStartMax + options.feedPageLimit} UiTdatabank events share modified=${step.skippedInstant}; the feed skipped past that instant.`,
      );
    }
    window = step.window;
    if (step.kind === 'done') return { kind: 'done' };
    if (!(await progress(at()))) return at();
    options.onProgress({
      phase: 'refresh',
      message: `change feed page ${figures.pages}: ${entries.length} changed, ${work.length} ours`,
      done: figures.matched,
    });
    start = step.start;
  }
}

/** A page of the feed; undefined (and reported) when Search gave no usable answer. */
async function feedPage(
  ctx: RunContext,
  q: string,
  window: FeedWindow,
  start: number,
): Promise<EventPage | undefined> {
  try {
    return await ctx.deps.search.searchEvents({
      q,
      modifiedFrom: window.modifiedFrom,
      sort: { modified: 'asc' },
      disableDefaultFilters: true,
      embed: true,
      start,
      limit: ctx.options.feedPageLimit,
    });
  } catch (error) {
    ctx.report.fail('*', 'refresh', error, `change feed from ${window.modifiedFrom} (start ${start})`);
    return undefined;
  }
}

/** The page as the feed's window reads it, and the assessments it calls for (those not seen yet). */
function pageWork(
  refresh: Refresh,
  entries: readonly Entry[],
  window: FeedWindow,
): { items: FeedItem[]; work: Work[] } {
  const items: FeedItem[] = [];
  const work: Work[] = [];
  for (const entry of entries) {
    const id = entryId(entry);
    // A member without a usable `modified` sits where Search sorted it: between its neighbours.
    const modified = entryModified(entry) ?? items.at(-1)?.modified ?? window.modifiedFrom;
    items.push({ id: id ?? '', modified });
    if (id === undefined) continue;
    const key = seenKeyOf(entry, modified);
    for (const item of refresh.byUitdatabankId.get(id) ?? []) {
      if (refresh.assessedAtCreate.has(item.event.eventId)) continue;
      if (!alreadySeen(item, key)) work.push({ item, entry, key, index: items.length - 1 });
    }
  }
  return { items, work };
}

/**
 * Runs the page's assessments until the run must stop. `recorded` is false when one could not be recorded;
 * `started` holds the places in the page of those that were started.
 */
async function assessPage(
  refresh: Refresh,
  work: readonly Work[],
): Promise<{ recorded: boolean; started: Set<number> }> {
  const { ctx } = refresh;
  let recorded = true;
  const started = new Set<number>();
  await forEachLimited(
    work,
    ctx.options.concurrency,
    ctx.proceed,
    async (entry) => {
      started.add(entry.index);
      if (!(await processEntry(refresh, entry))) recorded = false;
    },
    (entry, error) => {
      ctx.report.fail(entry.item.event.eventId, 'assess', error);
      recorded = false;
    },
  );
  return { recorded, started };
}

// --- The sweep ----------------------------------------------------------------------------------------------------

/** Where this run's part of the sweep starts, and which ids it looks up. */
interface SweepBatch {
  /** All our mapped ids, sorted. */
  ids: string[];
  batch: string[];
  cycleStartedAt: string;
  after: string;
}

/**
 * Our mapped ids, looked up in Search by id (100 per request, at most `sweepBatch` per run), once per
 * `sweepIntervalMs`: what Search shows that no assessment has seen (an event moved to another organizer leaves the
 * filtered feed) is assessed; an id Search does not show is read from Entry. The first run only starts the clock:
 * it assesses every event anyway.
 */
async function sweep(refresh: Refresh): Promise<void> {
  const { ctx } = refresh;
  const planned = await sweepBatch(refresh);
  if (planned === undefined) return;
  const { ids, batch, cycleStartedAt } = planned;
  let { after } = planned;
  const figures = { checked: 0, assessed: 0 };
  ctx.report.sweep = figures;
  for (const group of chunks(batch, SWEEP_IDS_PER_QUERY)) {
    if (!(await ctx.proceed())) return;
    const assessed = await sweepGroup(refresh, group);
    if (assessed === undefined) return;
    figures.checked += group.length;
    figures.assessed += assessed;
    after = group.at(-1) ?? after;
    const done = after === ids.at(-1);
    if (!(await saveSweep(ctx, { cycleStartedAt, ...(done ? {} : { after }) }))) return;
  }
  // Nothing (left) to look up: the cycle is done.
  if (batch.length === 0) await saveSweep(ctx, { cycleStartedAt });
}

/** This run's part of the sweep; undefined when it has none (not due, the first run, or the state unreadable). */
async function sweepBatch(refresh: Refresh): Promise<SweepBatch | undefined> {
  const { ctx } = refresh;
  const { deps, options } = ctx;
  const ids = [...refresh.byUitdatabankId.keys()].filter(isUitdatabankId).sort();
  const now = ctx.now();
  let state: SweepState | undefined;
  try {
    state = await deps.store.getSweep();
    if (!state) {
      await deps.store.saveSweep({ cycleStartedAt: now.toISOString() }, now);
      return undefined;
    }
  } catch (error) {
    ctx.report.fail('*', 'refresh', error, 'the sweep state');
    return undefined;
  }
  let { cycleStartedAt, after } = state;
  if (after === undefined) {
    if (now.getTime() - Date.parse(cycleStartedAt) < options.sweepIntervalMs) return undefined;
    cycleStartedAt = now.toISOString();
    after = '';
  }
  const from = after;
  const batch = ids.filter((id) => id > from).slice(0, options.sweepBatch);
  return { ids, batch, cycleStartedAt, after };
}

/**
 * Looks up one group of our ids in Search and assesses what it shows that was not seen yet (and, from Entry, what it
 * does not show). How many assessments it ran; undefined (and reported) when Search gave no usable answer.
 */
async function sweepGroup(refresh: Refresh, group: readonly string[]): Promise<number | undefined> {
  const { ctx } = refresh;
  let page: EventPage;
  try {
    page = await ctx.deps.search.searchEvents({
      q: `id:(${group.join(' OR ')})`,
      disableDefaultFilters: true,
      embed: true,
      limit: group.length,
    });
  } catch (error) {
    ctx.report.fail('*', 'refresh', error, 'the sweep of our mapped ids');
    return undefined;
  }
  const found = new Map<string, Entry>();
  for (const entry of entriesOf(page)) {
    const id = entryId(entry);
    if (id !== undefined) found.set(id, entry);
  }
  const work: { item: SyncEventItem; entry?: Entry; key: string }[] = [];
  for (const id of group) {
    const entry = found.get(id);
    const modified = entry === undefined ? undefined : entryModified(entry);
    const key = entry === undefined ? SEEN_GONE : modified === undefined ? '' : seenKeyOf(entry, modified);
    for (const item of refresh.byUitdatabankId.get(id) ?? []) {
      if (refresh.attempted.has(item.event.eventId) || alreadySeen(item, key)) continue;
      work.push({ item, key, ...(entry ? { entry } : {}) });
    }
  }
  await forEachLimited(
    work,
    ctx.options.concurrency,
    ctx.proceed,
    async ({ item, entry, key }) => {
      // Not in Search (gone, or not indexed): Entry says what it is.
      if (entry === undefined) await assessOne(refresh, item);
      else await processEntry(refresh, { item, entry, key, index: 0 });
    },
    (entry, error) => ctx.report.fail(entry.item.event.eventId, 'assess', error),
  );
  return work.length;
}

/** False (and reported) when the sweep state could not be stored: this run's sweep ends there. */
async function saveSweep(ctx: RunContext, state: SweepState): Promise<boolean> {
  try {
    await ctx.deps.store.saveSweep(state, ctx.now());
  } catch (error) {
    ctx.report.fail('*', 'refresh', error, 'storing the sweep state');
    return false;
  }
  return true;
}

// --- Changes on our side ------------------------------------------------------------------------------------------

async function assessChangedOnOurSide(refresh: Refresh): Promise<void> {
  const { ctx } = refresh;
  const { options, report } = ctx;
  const candidates: SyncEventItem[] = [];
  for (const items of refresh.byUitdatabankId.values()) {
    for (const item of items) {
      if (refresh.attempted.has(item.event.eventId)) continue;
      try {
        if (await needsAssessment(refresh, item)) candidates.push(item);
      } catch (error) {
        // The promotor could not be read: this event waits for the next run, the others go on.
        report.fail(item.event.eventId, 'assess', error, 'checking for changes on our side').transient = true;
      }
    }
  }
  let done = 0;
  options.onProgress({
    phase: 'assess',
    message: `${candidates.length} events changed on our side`,
    done,
    total: candidates.length,
  });
  await forEachLimited(
    candidates,
    options.concurrency,
    ctx.proceed,
    async (item) => {
      await assessOne(refresh, item);
      done += 1;
      options.onProgress({ phase: 'assess', message: 'assessing', done, total: candidates.length });
    },
    (item, error) => report.fail(item.event.eventId, 'assess', error),
  );
}

async function needsAssessment(refresh: Refresh, item: SyncEventItem): Promise<boolean> {
  const { event } = item;
  const last = item.sync.refreshed;
  if (!last || last.pending) return true;
  if (last.uitdatabankId !== event.uitdatabankId || last.version !== event.version) return true;
  const organizerId = await organizerOf(refresh.ctx, item);
  if ((last.organizerId ?? '') !== organizerId) return true;
  const key = permissionKey(refresh, organizerId);
  // Also when the last assessment had no fresh permissions to go by (its key is missing).
  if (key !== undefined && last.permissions !== key) return true;
  return snapshotDisagrees(refresh, item);
}

/**
 * The basket refuses on the snapshot's organizer permission, which any readiness check may have written (an admin
 * check from a stale cache, too): when the fresh permissions say otherwise for that organizer, assess again.
 */
function snapshotDisagrees(refresh: Refresh, item: SyncEventItem): boolean {
  const snapshot = item.readiness;
  const permission = snapshot?.organizerPermission;
  if (refresh.permissions === undefined || !permission || snapshot?.eventVersion !== item.event.version)
    return false;
  const held = permissionsFor(permission.organizerId, refresh.permissions);
  const permitted = held !== undefined && missingPermissions(held).length === 0;
  return permitted !== permission.permitted;
}
