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

import type { RefreshedState, SweepState, SyncEventItem } from '../../adapters/dynamodb/sync.js';
import { idFromUri, isUitdatabankId } from '../../adapters/uitdatabank/ids.js';
import type { EventPage, InvalidMember, UitdatabankEvent } from '../../adapters/uitdatabank/schemas.js';
import { UpstreamUnavailable } from '../../domain/errors.js';
import { UITPAS_LABEL } from '../../domain/mappings.js';
import { resolveOrganizer } from '../../domain/organizer.js';
import {
  missingPermissions,
  type PermittedOrganizer,
  permissionsFor,
  REQUIRED_PERMISSIONS,
  type ReadinessReport,
} from '../../domain/readiness.js';
import {
  FEED_OVERLAP_MS,
  type FeedItem,
  type FeedReach,
  type FeedWindow,
  feedSeenKey,
  nextFeedMark,
  nextFeedStep,
  SEEN_GONE,
} from '../../domain/sync.js';
import { assessEvent, type ReadinessDeps, toUitdatabankEventFacts } from '../readiness/assess.js';
import { forEachLimited, type RunContext } from './context.js';

/** UiTPAS registers a newly published event a little later: a 404 this soon after our create is not an answer yet. */
const UITPAS_REGISTRATION_GRACE_MS = 30 * 60_000;
/** Ids per sweep request (`q=id:(A OR B ...)`): about 4 kB of URL. */
const SWEEP_IDS_PER_QUERY = 100;

/** What the refresh needs besides the run context: the permissions read at the start of the run, if any. */
export interface RefreshInput {
  permissions: readonly PermittedOrganizer[] | undefined;
}

/** An UiTdatabank event that does not match what we read (lib/adapters/uitdatabank/schemas.ts): not ready to assess. */
export class InvalidUitdatabankEvent extends Error {
  override readonly name = 'InvalidUitdatabankEvent';
}

export async function refreshPhase(ctx: RunContext, input: RefreshInput): Promise<void> {
  const refresher = createRefresher(ctx, input);
  await refresher.readFeed();
  await refresher.sweep();
  await refresher.assessChangedOnOurSide();
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

/** True when this event's last assessment saw exactly this (and needs no retry). */
function alreadySeen(item: SyncEventItem, key: string): boolean {
  const last = item.sync.refreshed;
  return last !== undefined && !last.pending && last.seen === key;
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < list.length; i += size) result.push(list.slice(i, i + size));
  return result;
}

function createRefresher(ctx: RunContext, input: RefreshInput) {
  const { deps, options, report } = ctx;
  const assess = deps.assess ?? assessEvent;
  /** What the assessments of this run read from Entry (null: 404), to record what they saw. */
  const fetched = new Map<string, UitdatabankEvent | null>();
  /** UiTdatabank ids UiTPAS answered 404 for in this run. */
  const unknownToUitpas = new Set<string>();
  const readinessDeps: ReadinessDeps = {
    mappings: {
      getEvent: (eventId: string) => deps.mappings.getEvent(eventId),
      // Every event of an organisation reads the same organisation and promotors: this run read them already.
      getOrganisation: async (organisationId: string) =>
        ctx.organisations.get(organisationId) ?? deps.mappings.getOrganisation(organisationId),
      getPromotor: (promotorId: string) => ctx.promotor(promotorId),
      listMappingEvents: (query) => deps.mappings.listMappingEvents(query),
    },
    snapshots: deps.snapshots,
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
  const permissionKeys = new Map(
    (input.permissions ?? []).map((organizer) => [
      organizer.organizerId.toLowerCase(),
      REQUIRED_PERMISSIONS.filter((permission) => organizer.permissions.includes(permission)).join(','),
    ]),
  );
  const permissionKey = (organizerId: string) =>
    input.permissions === undefined ? undefined : (permissionKeys.get(organizerId) ?? '');

  /** UiTPAS events by lower-case UiTdatabank id (several of ours may map to one). */
  const byUitdatabankId = new Map<string, SyncEventItem[]>();
  for (const item of ctx.items) {
    const id = item.event.uitdatabankId;
    if (id === undefined || !item.event.labels.includes(UITPAS_LABEL)) continue;
    const key = id.toLowerCase();
    byUitdatabankId.set(key, [...(byUitdatabankId.get(key) ?? []), item]);
  }
  const attempted = new Set<string>();

  async function organizerOf(item: SyncEventItem): Promise<string> {
    const { event } = item;
    const promotor = event.promotorId === undefined ? undefined : await ctx.promotor(event.promotorId);
    const resolved = resolveOrganizer(event, ctx.organisations.get(event.organisationId), promotor);
    return resolved.ok ? resolved.organizerId.toLowerCase() : '';
  }

  /** Stores what the event's last assessment was; false when even that could not be stored. */
  async function record(item: SyncEventItem, refreshed: RefreshedState): Promise<boolean> {
    try {
      await deps.store.saveRefreshed(item.event.eventId, refreshed);
    } catch (error) {
      report.fail(item.event.eventId, 'assess', error, 'storing the assessment');
      return false;
    }
    item.sync.refreshed = refreshed;
    return true;
  }

  /** Created by this sync minutes ago: UiTPAS may not have registered it yet. */
  function justCreated(item: SyncEventItem, uitdatabankId: string): boolean {
    const pushed = item.sync.pushed;
    return (
      pushed !== undefined &&
      pushed.uitdatabankId.toLowerCase() === uitdatabankId.toLowerCase() &&
      ctx.now().getTime() - Date.parse(pushed.at) < UITPAS_REGISTRATION_GRACE_MS
    );
  }

  /**
   * Assesses one event and records what it looked at: with the UiTdatabank event the feed or the sweep returned, or
   * with a fresh read. False only when even "assess it again next run" could not be recorded: the caller must then
   * not move the change feed past it.
   */
  async function assessOne(
    item: SyncEventItem,
    seenInSearch?: { event: UitdatabankEvent; key: string },
  ): Promise<boolean> {
    const { event } = item;
    const uitdatabankId = event.uitdatabankId;
    if (uitdatabankId === undefined) return true;
    attempted.add(event.eventId);
    let organizerId = '';
    let verdict: ReadinessReport;
    const state = (pending: boolean, seen: string | undefined): RefreshedState => {
      const key = permissionKey(organizerId);
      return {
        uitdatabankId,
        version: event.version,
        organizerId,
        ...(key === undefined ? {} : { permissions: key }),
        at: ctx.now().toISOString(),
        ...(pending ? { pending: true } : {}),
        ...(seen === undefined ? {} : { seen }),
      };
    };
    try {
      organizerId = await organizerOf(item);
      verdict = await assess(
        event,
        readinessDeps,
        seenInSearch === undefined ? {} : { uitdatabankEvent: seenInSearch.event },
      );
    } catch (error) {
      const invalid = error instanceof InvalidUitdatabankEvent;
      const failure = report.fail(event.eventId, 'assess', error);
      // An invalid event waits for its next change (the feed brings it); anything else is tried again next run.
      failure.transient = !invalid;
      return record(item, state(!invalid, undefined));
    }
    const seen = seenInSearch?.key ?? seenInEntry(uitdatabankId);
    const unreachable = verdict.items.some((entry) => entry.unavailable === true);
    // UiTPAS only registers published events: waiting for it makes sense only for one that is.
    const published = verdict.items.some((entry) => entry.id === 'uitdatabank-event' && entry.ok);
    const awaitingUitpas =
      published && unknownToUitpas.has(uitdatabankId.toLowerCase()) && justCreated(item, uitdatabankId);
    if (!(await record(item, state(unreachable || awaitingUitpas, seen)))) return false;
    if (unreachable)
      report.failed.push({
        eventId: event.eventId,
        phase: 'assess',
        error:
          'UiTdatabank or UiTPAS could not be reached for part of the checklist; assessed again next run',
        transient: true,
      });
    else report.refreshed += 1;
    return true;
  }

  /** What an assessment with a fresh Entry read saw, if it read one. */
  function seenInEntry(uitdatabankId: string): string | undefined {
    const found = fetched.get(uitdatabankId.toLowerCase());
    if (found === undefined) return undefined;
    if (found === null) return SEEN_GONE;
    const modified = found.modified ?? found.created;
    return modified === undefined ? undefined : feedSeenKey(modified, toUitdatabankEventFacts(found));
  }

  /** One of ours is malformed in UiTdatabank: its own failure, reported once per change (not transient). */
  async function recordInvalid(item: SyncEventItem, member: InvalidMember, seen: string): Promise<boolean> {
    const { event } = item;
    attempted.add(event.eventId);
    const failure = report.fail(
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
      organizerId = await organizerOf(item);
    } catch {
      // Keep what the last assessment resolved; the next run resolves it again.
    }
    const key = organizerId === undefined ? undefined : permissionKey(organizerId);
    return record(item, {
      uitdatabankId: event.uitdatabankId ?? '',
      version: event.version,
      ...(organizerId === undefined ? {} : { organizerId }),
      ...(key === undefined ? {} : { permissions: key }),
      at: ctx.now().toISOString(),
      seen,
    });
  }

  interface Work {
    item: SyncEventItem;
    entry: Entry;
    key: string;
    /** Place in the page. */
    index: number;
  }

  function processEntry(work: Work): Promise<boolean> {
    const { item, entry, key } = work;
    return 'event' in entry
      ? assessOne(item, { event: entry.event, key })
      : recordInvalid(item, entry.invalid, key);
  }

  /** Organizers the feed asks for: those of our organisations, of our events, and seen on our UiTdatabank events. */
  async function feedOrganizers(): Promise<string[]> {
    const ids = new Set<string>();
    for (const organisation of ctx.organisations.values())
      if (organisation.uitdatabankOrganizerId) ids.add(organisation.uitdatabankOrganizerId.toLowerCase());
    for (const items of byUitdatabankId.values()) {
      for (const item of items) {
        const resolved = await organizerOf(item);
        if (resolved) ids.add(resolved);
        const seen = item.readiness?.organizerPermission?.organizerId;
        if (seen) ids.add(seen.toLowerCase());
      }
    }
    // Only well-formed ids go into the query: anything else could change its meaning.
    return [...ids].filter(isUitdatabankId).sort();
  }

  async function readFeed(): Promise<void> {
    const readUpTo = ctx.now().toISOString();
    let mark: string;
    let organizers: string[];
    try {
      const stored = await deps.store.getFeedMark();
      mark = stored ?? new Date(Date.parse(readUpTo) - options.initialLookbackMs).toISOString();
      organizers = await feedOrganizers();
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
      reaches[i] = await readQuery(q, from, figures, async (reach) => {
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
    q: string,
    from: string,
    figures: { pages: number; items: number; matched: number },
    progress: (reach: FeedReach) => Promise<boolean>,
  ): Promise<FeedReach> {
    let window: FeedWindow = { modifiedFrom: from };
    const at = (): FeedReach => ({ kind: 'at', modifiedFrom: window.modifiedFrom });
    let start = 0;
    for (;;) {
      if (!(await ctx.proceed())) return at();
      let page: EventPage;
      try {
        page = await deps.search.searchEvents({
          q,
          modifiedFrom: window.modifiedFrom,
          sort: { modified: 'asc' },
          disableDefaultFilters: true,
          embed: true,
          start,
          limit: options.feedPageLimit,
        });
      } catch (error) {
        report.fail('*', 'refresh', error, `change feed from ${window.modifiedFrom} (start ${start})`);
        return at();
      }
      figures.pages += 1;
      const entries = entriesOf(page);
      figures.items += entries.length;

      const items: FeedItem[] = [];
      const work: Work[] = [];
      for (const entry of entries) {
        const id = entryId(entry);
        // A member without a usable `modified` sits where Search sorted it: between its neighbours.
        const modified = entryModified(entry) ?? items.at(-1)?.modified ?? window.modifiedFrom;
        items.push({ id: id ?? '', modified });
        if (id === undefined) continue;
        const key = seenKeyOf(entry, modified);
        for (const item of byUitdatabankId.get(id) ?? []) {
          if (!alreadySeen(item, key)) work.push({ item, entry, key, index: items.length - 1 });
        }
      }
      figures.matched += work.length;

      let recorded = true;
      const started = new Set<number>();
      await forEachLimited(
        work,
        options.concurrency,
        ctx.proceed,
        async (entry) => {
          started.add(entry.index);
          if (!(await processEntry(entry))) recorded = false;
        },
        (entry, error) => {
          report.fail(entry.item.event.eventId, 'assess', error);
          recorded = false;
        },
      );
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

  /**
   * Our mapped ids, looked up in Search by id (100 per request, at most `sweepBatch` per run), once per
   * `sweepIntervalMs`: what Search shows that no assessment has seen (an event moved to another organizer leaves the
   * filtered feed) is assessed; an id Search does not show is read from Entry. The first run only starts the clock:
   * it assesses every event anyway.
   */
  async function sweep(): Promise<void> {
    const ids = [...byUitdatabankId.keys()].filter(isUitdatabankId).sort();
    const now = ctx.now();
    let state: SweepState | undefined;
    try {
      state = await deps.store.getSweep();
      if (!state) {
        await deps.store.saveSweep({ cycleStartedAt: now.toISOString() }, now);
        return;
      }
    } catch (error) {
      report.fail('*', 'refresh', error, 'the sweep state');
      return;
    }
    let { cycleStartedAt, after } = state;
    if (after === undefined) {
      if (now.getTime() - Date.parse(cycleStartedAt) < options.sweepIntervalMs) return;
      cycleStartedAt = now.toISOString();
      after = '';
    }
    const batch = ids.filter((id) => id > (after ?? '')).slice(0, options.sweepBatch);
    const figures = { checked: 0, assessed: 0 };
    report.sweep = figures;
    for (const group of chunks(batch, SWEEP_IDS_PER_QUERY)) {
      if (!(await ctx.proceed())) return;
      let page: EventPage;
      try {
        page = await deps.search.searchEvents({
          q: `id:(${group.join(' OR ')})`,
          disableDefaultFilters: true,
          embed: true,
          limit: group.length,
        });
      } catch (error) {
        report.fail('*', 'refresh', error, 'the sweep of our mapped ids');
        return;
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
        const key =
          entry === undefined ? SEEN_GONE : modified === undefined ? '' : seenKeyOf(entry, modified);
        for (const item of byUitdatabankId.get(id) ?? []) {
          if (attempted.has(item.event.eventId) || alreadySeen(item, key)) continue;
          work.push({ item, key, ...(entry ? { entry } : {}) });
        }
      }
      await forEachLimited(
        work,
        options.concurrency,
        ctx.proceed,
        async ({ item, entry, key }) => {
          // Not in Search (gone, or not indexed): Entry says what it is.
          if (entry === undefined) await assessOne(item);
          else await processEntry({ item, entry, key, index: 0 });
        },
        (entry, error) => report.fail(entry.item.event.eventId, 'assess', error),
      );
      figures.checked += group.length;
      figures.assessed += work.length;
      after = group.at(-1) ?? after;
      const done = after === ids.at(-1);
      try {
        await deps.store.saveSweep({ cycleStartedAt, ...(done ? {} : { after }) }, ctx.now());
      } catch (error) {
        report.fail('*', 'refresh', error, 'storing the sweep state');
        return;
      }
    }
    if (batch.length === 0) {
      // Nothing (left) to look up: the cycle is done.
      try {
        await deps.store.saveSweep({ cycleStartedAt }, ctx.now());
      } catch (error) {
        report.fail('*', 'refresh', error, 'storing the sweep state');
      }
    }
  }

  async function assessChangedOnOurSide(): Promise<void> {
    const candidates: SyncEventItem[] = [];
    for (const items of byUitdatabankId.values()) {
      for (const item of items) {
        if (attempted.has(item.event.eventId)) continue;
        try {
          if (await needsAssessment(item)) candidates.push(item);
        } catch (error) {
          // The promotor could not be read: this event waits for the next run, the others go on.
          report.fail(item.event.eventId, 'assess', error, 'checking for changes on our side').transient =
            true;
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
        await assessOne(item);
        done += 1;
        options.onProgress({ phase: 'assess', message: 'assessing', done, total: candidates.length });
      },
      (item, error) => report.fail(item.event.eventId, 'assess', error),
    );
  }

  async function needsAssessment(item: SyncEventItem): Promise<boolean> {
    const { event } = item;
    const last = item.sync.refreshed;
    if (!last || last.pending) return true;
    if (last.uitdatabankId !== event.uitdatabankId || last.version !== event.version) return true;
    const organizerId = await organizerOf(item);
    if ((last.organizerId ?? '') !== organizerId) return true;
    const key = permissionKey(organizerId);
    // Also when the last assessment had no fresh permissions to go by (its key is missing).
    if (key !== undefined && last.permissions !== key) return true;
    return snapshotDisagrees(item);
  }

  /**
   * The basket refuses on the snapshot's organizer permission, which any readiness check may have written (an admin
   * check from a stale cache, too): when the fresh permissions say otherwise for that organizer, assess again.
   */
  function snapshotDisagrees(item: SyncEventItem): boolean {
    const snapshot = item.readiness;
    const permission = snapshot?.organizerPermission;
    if (input.permissions === undefined || !permission || snapshot?.eventVersion !== item.event.version)
      return false;
    const held = permissionsFor(permission.organizerId, input.permissions);
    const permitted = held !== undefined && missingPermissions(held).length === 0;
    return permitted !== permission.permitted;
  }

  return { readFeed, sweep, assessChangedOnOurSide };
}
