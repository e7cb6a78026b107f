/**
 * Refresh: keep the readiness verdict of every UiTPAS-labelled event with an UiTdatabank id up to date, at a cost that
 * grows with the changes, not with the catalogue.
 *
 * - Changes in UiTdatabank come from the Search change feed: `GET /events?modifiedFrom=<high-water mark>&
 *   sort[modified]=asc&disableDefaultFilters=true&embed=true`, page after page. The window moves to the last item's
 *   `modified` after every page (see `nextFeedStep`), items on the boundary are not processed twice, and the mark is
 *   stored only once the page's events are assessed. Each changed UiTdatabank event that one of our events maps to
 *   (looked up in a map built from this run's read of our events: manual and synced ids alike) is assessed with the
 *   event the feed already returned, so only UiTPAS is asked (card systems).
 * - Changes on our side (a new mapping, an admin edit, another organizer through an organisation or promotor, a
 *   permission UiTPAS granted or withdrew for the organizer) are found by comparing the event with what it was when
 *   it was last assessed (`syncRefreshed`); those events are assessed with a fresh read of UiTdatabank. So are events
 *   whose last assessment could not reach an upstream.
 */
import { UITPAS_LABEL } from '../domain/mappings.js';
import { resolveOrganizer } from '../domain/organizer.js';
import { type PermittedOrganizer, REQUIRED_PERMISSIONS, type ReadinessReport } from '../domain/readiness.js';
import { alreadySeen, type FeedItem, type FeedWindow, nextFeedStep } from '../domain/sync.js';
import { assessEvent, type ReadinessDeps } from '../readiness/assess.js';
import type { RefreshedState, SyncEventItem } from '../store/sync.js';
import { idFromUri } from '../uitdatabank/ids.js';
import type { UitdatabankEvent } from '../uitdatabank/schemas.js';
import { forEachLimited, type RunContext } from './context.js';

/** What the refresh needs besides the run context: the permissions read at the start of the run, if any. */
export interface RefreshInput {
  permissions: readonly PermittedOrganizer[] | undefined;
}

export async function refreshPhase(ctx: RunContext, input: RefreshInput): Promise<void> {
  const refresher = createRefresher(ctx, input);
  await refresher.readFeed();
  await refresher.assessChangedOnOurSide();
}

function createRefresher(ctx: RunContext, input: RefreshInput) {
  const { deps, options, report } = ctx;
  const assess = deps.assess ?? assessEvent;
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
    uitdatabank: deps.entry,
    uitpas: deps.uitpas,
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

  /**
   * Assesses one event and records what it looked at. False only when even "assess it again next run" could not be
   * recorded: the caller must then not move the change feed past it.
   */
  async function assessOne(item: SyncEventItem, uitdatabankEvent?: UitdatabankEvent): Promise<boolean> {
    const { event } = item;
    const uitdatabankId = event.uitdatabankId;
    if (uitdatabankId === undefined) return true;
    attempted.add(event.eventId);
    const organizerId = await organizerOf(item);
    const key = permissionKey(organizerId);
    const state = (pending: boolean): RefreshedState => ({
      uitdatabankId,
      version: event.version,
      organizerId,
      ...(key === undefined ? {} : { permissions: key }),
      at: ctx.now().toISOString(),
      ...(pending ? { pending: true } : {}),
    });
    let verdict: ReadinessReport;
    try {
      verdict = await assess(
        event,
        readinessDeps,
        uitdatabankEvent === undefined ? {} : { uitdatabankEvent },
      );
    } catch (error) {
      report.fail(event.eventId, 'assess', error);
      try {
        const pending = state(true);
        await deps.store.saveRefreshed(event.eventId, pending);
        item.sync.refreshed = pending;
        return true;
      } catch {
        return false;
      }
    }
    const complete = !reachedNoUpstream(verdict);
    const refreshed = state(!complete);
    await deps.store.saveRefreshed(event.eventId, refreshed);
    item.sync.refreshed = refreshed;
    if (complete) report.refreshed += 1;
    else
      report.failed.push({
        eventId: event.eventId,
        phase: 'assess',
        error:
          'UiTdatabank or UiTPAS could not be reached for part of the checklist; assessed again next run',
        transient: true,
      });
    return true;
  }

  async function readFeed(): Promise<void> {
    const runStart = ctx.now();
    const stored = await deps.store.getFeedWindow();
    let window: FeedWindow = stored ?? {
      modifiedFrom: new Date(runStart.getTime() - options.initialLookbackMs).toISOString(),
      seenAtFrom: [],
    };
    const figures = { from: window.modifiedFrom, to: window.modifiedFrom, pages: 0, items: 0, matched: 0 };
    ctx.report.feed = figures;
    let start = 0;
    for (;;) {
      if (!(await ctx.proceed())) return;
      let members: UitdatabankEvent[];
      try {
        const page = await deps.search.searchEvents({
          modifiedFrom: window.modifiedFrom,
          sort: { modified: 'asc' },
          disableDefaultFilters: true,
          embed: true,
          start,
          limit: options.feedPageLimit,
        });
        members = page.member;
      } catch (error) {
        report.fail('*', 'refresh', error, `change feed from ${window.modifiedFrom} (start ${start})`);
        return;
      }
      figures.pages += 1;
      figures.items += members.length;

      const items: FeedItem[] = [];
      const work: { item: SyncEventItem; event: UitdatabankEvent; index: number }[] = [];
      for (const member of members) {
        const id = (idFromUri(member['@id'], 'event') ?? member['@id']).toLowerCase();
        const feedItem = { id, modified: member.modified ?? member.created ?? window.modifiedFrom };
        items.push(feedItem);
        if (alreadySeen(window, feedItem)) continue;
        for (const item of byUitdatabankId.get(id) ?? [])
          work.push({ item, event: member, index: items.length - 1 });
      }
      figures.matched += work.length;

      let saved = true;
      const started = new Set<number>();
      await forEachLimited(
        work,
        options.concurrency,
        ctx.proceed,
        async (entry) => {
          started.add(entry.index);
          if (!(await assessOne(entry.item, entry.event))) saved = false;
        },
        (entry, error) => {
          report.fail(entry.item.event.eventId, 'assess', error);
          saved = false;
        },
      );
      if (!saved) {
        report.warn(
          `Change feed stopped at ${window.modifiedFrom}: an assessment could not be recorded; read again next run.`,
        );
        return;
      }
      const notStarted = work.find((entry) => !started.has(entry.index));
      if (notStarted) {
        // The run must stop (deadline or lease lost) within the page: keep what was done, the next run goes on from there.
        const prefix = items.slice(0, notStarted.index);
        if (prefix.length > 0) {
          const partial = nextFeedStep(window, start, prefix, prefix.length + 1, options.feedStartMax).window;
          await deps.store.saveFeedWindow(partial, ctx.now());
          figures.to = partial.modifiedFrom;
        }
        return;
      }
      const step = nextFeedStep(window, start, items, options.feedPageLimit, options.feedStartMax);
      if (step.kind === 'skip-instant') {
        report.warn(
          `More than ${options.feedStartMax + options.feedPageLimit} UiTdatabank events share modified=${step.skippedInstant}; the feed skipped past that instant.`,
        );
      }
      await deps.store.saveFeedWindow(step.window, ctx.now());
      window = step.window;
      figures.to = window.modifiedFrom;
      options.onProgress({
        phase: 'refresh',
        message: `change feed page ${figures.pages}: ${members.length} changed, ${work.length} ours`,
        done: figures.matched,
      });
      if (step.kind === 'done') return;
      start = step.start;
    }
  }

  async function assessChangedOnOurSide(): Promise<void> {
    const candidates: SyncEventItem[] = [];
    for (const items of byUitdatabankId.values()) {
      for (const item of items) {
        if (attempted.has(item.event.eventId)) continue;
        if (await needsAssessment(item)) candidates.push(item);
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
    return key !== undefined && last.permissions !== undefined && last.permissions !== key;
  }

  return { readFeed, assessChangedOnOurSide };
}

/** The checklist says "... unreachable" for an item whose upstream gave no usable answer (lib/domain/readiness.ts). */
function reachedNoUpstream(verdict: ReadinessReport): boolean {
  return verdict.items.some(
    (item) => typeof item.observed === 'string' && / unreachable$/.test(item.observed),
  );
}
