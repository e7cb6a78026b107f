/**
 * Push: events labelled `uitDB` flow to UiTdatabank. An event without an UiTdatabank id is created (Entry
 * `POST /events`, published at once so UiTPAS registers it) and the new id is stored with `source: sync`; an event the
 * sync created before gets the fields that changed since the last push (Entry PUTs, only those). An event mapped by
 * hand is never touched.
 *
 * No event is created twice, even by two runs without the lease: before the POST the run claims the push on the event
 * item with a conditional write (`syncClaim`, which only holds while the event has no id and no other claim). If the
 * POST may have been applied without us getting the id (timeout, 5xx, the process died), the claim stays; a run at
 * least `orphanSearchDelayMs` later looks for that event in Search (same name, organizer, place and start, created
 * after the claim) and stores it instead of creating another.
 *
 * Nor is an event created again after its id went away: when an admin cleared a manual id that had replaced the
 * synced one, or deleted the ticketing event and saved it again (the delete keeps the sync's push state apart, under
 * the organisation), the sync takes back the UiTdatabank event it created before, unless that one was deleted in
 * UiTdatabank.
 *
 * What a create costs in DynamoDB: the claim, one write after the POST that stores the id, the push state and the end
 * of the claim together, conditional on the event as this run read it (`storeSyncedId`), and the audit entry: 3 calls,
 * all writes (plus one Query per organisation and run for the take-back above). Fewer would give something up: the
 * claim must be written before the POST and the id after it, and the audit entry is another item. An event labelled
 * UiTPAS is assessed between the POST and that write, from what the POST sent and UiTPAS's card systems
 * (`assessCreated`), and the verdict goes into the same write: still 3. That holds the id back for one UiTPAS call;
 * if the process dies meanwhile, the claim is there, and the orphan search stores the id as after any lost create.
 */

import { UpstreamProblem, UpstreamUnavailable } from '../../domain/errors.js';
import { type TicketingEvent, UITDB_LABEL } from '../../domain/mappings.js';
import {
  changedPushFields,
  createFingerprint,
  EVENT_HAS_UITPAS_TICKET_SALES,
  fingerprintOf,
  isStillRefused,
  type PushedField,
  type PushFingerprint,
  type PushPlan,
  planPush,
  type SyncIssue,
  type SyncIssues,
} from '../../domain/sync.js';
import { idFromUri } from '../../domain/uitdatabank-ids.js';
import { logger } from '../../logger.js';
import { recordSyncedUitdatabankId } from '../mapping-admin/events.js';
import { forEachLimited, type RunContext } from './context.js';
import type { PriceEntry, PushClaim, SyncEventItem, UitdatabankEventRead } from './ports.js';
import { type Assessor, assessCreated, assessedOnCreate } from './refresh.js';

/** What a create asks for: published at once (see `create`). */
const CREATED_STATUS = 'READY_FOR_VALIDATION';
const BASE_PRICE_NAME = { nl: 'Basistarief', fr: 'Tarif de base', en: 'Base tariff', de: 'Basisrate' };
/** Our clock and UiTdatabank's may differ: look this much before the claim for an orphan's `created`. */
const ORPHAN_CLOCK_SKEW_MS = 5 * 60_000;
/** Refusals worth remembering: the request itself is wrong for this event. Others (401, 403...) are retried. */
const RECORDED_REFUSALS = new Set([400, 404, 409, 422]);

/** The events this phase looks at: labelled uitDB, not mapped by hand. */
export function pushCandidates(items: readonly SyncEventItem[]): SyncEventItem[] {
  return items.filter(
    ({ event }) =>
      event.labels.includes(UITDB_LABEL) &&
      (event.uitdatabankId === undefined || event.uitdatabankIdSource === 'sync'),
  );
}

export async function pushPhase(ctx: RunContext, assessor: Assessor): Promise<void> {
  const candidates = pushCandidates(ctx.items);
  let done = 0;
  ctx.options.onProgress({
    phase: 'push',
    message: `${candidates.length} events labelled uitDB`,
    done,
    total: candidates.length,
  });
  await forEachLimited(
    candidates,
    ctx.options.concurrency,
    ctx.proceed,
    async (item) => {
      await pushEvent(item, ctx, assessor, 0);
      done += 1;
      ctx.options.onProgress({ phase: 'push', message: 'pushing', done, total: candidates.length });
    },
    (item, error) => {
      ctx.report.fail(item.event.eventId, 'push', error);
      done += 1;
    },
  );
}

async function pushEvent(
  item: SyncEventItem,
  ctx: RunContext,
  assessor: Assessor,
  attempt: number,
): Promise<void> {
  const { event } = item;
  // Re-checked here: a fresh read after a lost claim may show a manual mapping.
  if (event.uitdatabankId !== undefined && event.uitdatabankIdSource !== 'sync') return;
  const organisation = ctx.organisations.get(event.organisationId);
  const promotor = event.promotorId === undefined ? undefined : await ctx.promotor(event.promotorId);
  const planned = planPush(event, organisation, promotor);
  if (!planned.ok) {
    ctx.report.skip(event.eventId, planned.skip.code, planned.skip.reason);
    return;
  }
  if (event.uitdatabankId === undefined) await create(item, planned.plan, ctx, assessor, attempt);
  else await update(item, event.uitdatabankId, planned.plan, ctx);
}

// --- Create ------------------------------------------------------------------------------------------------------

async function create(
  item: SyncEventItem,
  plan: PushPlan,
  ctx: RunContext,
  assessor: Assessor,
  attempt: number,
): Promise<void> {
  const { event, sync } = item;
  const { report, deps, options } = ctx;
  const now = ctx.now();
  const wanted = createFingerprint(plan);
  const refused = sync.issues?.create;
  if (isStillRefused(refused, wanted)) {
    report.skip(event.eventId, 'refused', refusedReason('the create', refused));
    return;
  }

  if (!sync.claim) {
    const earlier = await earlierCreate(item, ctx);
    if (earlier && (await takeBack(item, earlier, plan, ctx)) === 'done') return;
  }

  let replacing: PushClaim | undefined;
  if (sync.claim) {
    const claim = sync.claim;
    // An empty Search only proves nothing was created once Search had time to index it (and an in-flight claim
    // only counts as abandoned once it expired): until then, creating again could make a second event.
    const abandoned =
      now.getTime() >= Date.parse(claim.at) + options.orphanSearchDelayMs &&
      (claim.state === 'uncertain' || now.getTime() > claim.expiresAt);
    if (!abandoned) {
      report.skip(
        event.eventId,
        'push-in-progress',
        claim.state === 'uncertain'
          ? `The create of ${claim.at} may have reached UiTdatabank; a later run looks for it there before creating it again.`
          : `Run ${claim.owner} is creating this event in UiTdatabank (since ${claim.at}).`,
      );
      return;
    }
    const orphan = await findOrphan(claim, ctx);
    if (orphan) {
      logger.info('Found the UiTdatabank event of an unfinished create; storing it', {
        eventId: event.eventId,
        uitdatabankId: orphan,
        claimedAt: claim.at,
      });
      await storeId(item, orphan, claim.fingerprint, 'adopted', ctx);
      return;
    }
    replacing = claim;
  }

  const claim: PushClaim = {
    owner: options.owner,
    at: now.toISOString(),
    expiresAt: now.getTime() + options.claimTtlMs,
    state: 'in-flight',
    name: plan.name,
    organizerId: plan.organizerId,
    placeId: plan.placeId,
    startDate: plan.calendar.startDate,
    fingerprint: fingerprintOf(plan),
  };
  const claimed = await deps.store.claimPush(event.eventId, {
    version: event.version,
    claim,
    ...(replacing ? { replacing } : {}),
  });
  if (!claimed) {
    // Another run claimed it, or an admin saved the event since we read it: look again, once.
    const fresh = await deps.store.getEventItem(event.eventId);
    if (!fresh) return;
    Object.assign(item, fresh);
    if (attempt === 0) return pushEvent(item, ctx, assessor, 1);
    report.skip(
      event.eventId,
      'changed-during-run',
      'The event changed, or another run claimed it, while this run was pushing it; the next run looks again.',
    );
    return;
  }
  item.sync.claim = claim;

  let uitdatabankId: string;
  let sentAt: Date;
  try {
    uitdatabankId = await deps.entry.createEvent({
      mainLanguage: 'nl',
      name: { nl: plan.name },
      calendar: plan.calendar,
      locationId: plan.placeId,
      terms: [{ id: plan.eventTypeId }],
      organizerId: plan.organizerId,
      priceInfo: [basePrice(plan.basePriceCents)],
      // Published at once: UiTPAS only registers published events, and readiness needs UiTPAS to know it.
      workflowStatus: CREATED_STATUS,
    });
    sentAt = ctx.now();
  } catch (error) {
    await createFailed(item, claim, wanted, error, ctx);
    return;
  }
  ctx.knownUitdatabankIds.add(uitdatabankId.toLowerCase());
  // Labelled UiTPAS: its first assessment goes into the write that stores the id (UiTPAS is asked before it).
  const created = await assessCreated(
    assessor,
    item,
    { ...event, uitdatabankId, uitdatabankIdSource: 'sync', version: event.version + 1 },
    {
      id: uitdatabankId,
      workflowStatus: CREATED_STATUS,
      basePrice: plan.basePriceCents / 100,
      organizerId: plan.organizerId,
    },
    sentAt,
  );
  await storeId(
    item,
    uitdatabankId,
    claim.fingerprint,
    'pushed',
    ctx,
    created ? { assessor, assessed: created } : undefined,
  );
}

async function createFailed(
  item: SyncEventItem,
  claim: PushClaim,
  wanted: string,
  error: unknown,
  ctx: RunContext,
): Promise<void> {
  const { eventId } = item.event;
  const { store } = ctx.deps;
  if (error instanceof UpstreamUnavailable && error.mayHaveApplied) {
    // UiTdatabank may have created it: keep the claim, so the next run looks for it before creating another.
    await store.markClaimUncertain(eventId, claim);
    item.sync.claim = { ...claim, state: 'uncertain' };
    ctx.report.fail(eventId, 'push', error, 'create may have been applied; checked next run');
    return;
  }
  if (error instanceof UpstreamProblem && RECORDED_REFUSALS.has(error.status)) {
    const issues: SyncIssues = { ...item.sync.issues, create: issueOf(error, wanted, ctx) };
    await store.saveIssues(eventId, issues, claim);
    item.sync.issues = issues;
    delete item.sync.claim;
    ctx.report.fail(
      eventId,
      'push',
      error,
      'UiTdatabank refused the create; not tried again until the event changes',
    );
    return;
  }
  // Nothing was created (refused before any work, or never sent): the next run simply tries again.
  await store.releaseClaim(eventId, claim);
  delete item.sync.claim;
  ctx.report.fail(eventId, 'push', error, 'create');
}

/**
 * Stores the UiTdatabank id (with its audit entry) and what was pushed. The id, the push state and the end of the
 * claim are one write (`storeSyncedId`), conditional on the event being as this run read it; the audit entry is the
 * mapping admin's `recordSyncedUitdatabankId`, as for any synced id. An admin save in between is read again and the
 * id stored on the new version (the changed fields are pushed by the next run). A manual mapping that appeared
 * meanwhile wins: the event we created is then unused, which is reported.
 */
async function storeId(
  item: SyncEventItem,
  uitdatabankId: string,
  fingerprint: PushFingerprint,
  how: 'pushed' | 'adopted',
  ctx: RunContext,
  created?: { assessor: Assessor; assessed: CreatedAssessment },
): Promise<boolean> {
  const { eventId } = item.event;
  const { deps, report } = ctx;
  // Created (or found): an earlier refusal of the create is history.
  const issues: SyncIssues = { ...item.sync.issues };
  delete issues.create;
  const pushed = { fingerprint, uitdatabankId, at: ctx.now().toISOString() };
  let current = item.event;
  for (let tries = 0; tries < 3; tries += 1) {
    const attempt = current;
    let latest: TicketingEvent | undefined;
    const result = await recordSyncedUitdatabankId(
      { eventId, uitdatabankId, expectedVersion: attempt.version },
      {
        mappings: {
          ...deps.mappings,
          async setSyncedUitdatabankId(_eventId, _uitdatabankId, _expectedVersion, now) {
            const stored = await deps.store.storeSyncedId({
              current: attempt,
              uitdatabankId,
              now: now ?? ctx.now(),
              pushed,
              issues,
              // Made of the event as first read: not for a version another save made since.
              assessment: tries === 0 ? created?.assessed.assessment : undefined,
            });
            if (stored.outcome === 'version-conflict') latest = stored.current;
            return stored;
          },
        },
        audit: deps.audit,
        now: ctx.now,
      },
    );
    switch (result.outcome) {
      case 'stored':
      case 'unchanged': {
        item.event = result.event;
        item.sync = { ...item.sync, pushed, issues };
        delete item.sync.claim;
        if (
          created &&
          result.outcome === 'stored' &&
          result.event.version === created.assessed.assessment.snapshot.eventVersion &&
          tries === 0
        )
          assessedOnCreate(created.assessor, item, created.assessed);
        if (how === 'pushed') report.pushed += 1;
        else report.adopted += 1;
        return true;
      }
      case 'version-conflict': {
        if (latest) current = latest;
        continue;
      }
      case 'manual-mapping-kept':
      case 'other-id-kept':
      case 'not-found': {
        if (item.sync.claim) await deps.store.releaseClaim(eventId, item.sync.claim);
        const meanwhile =
          result.outcome === 'not-found'
            ? 'the event was deleted'
            : result.outcome === 'manual-mapping-kept'
              ? 'an admin mapped it by hand'
              : `another run stored ${result.event.uitdatabankId} for it`;
        report.warn(
          `UiTdatabank event ${uitdatabankId} was ${how === 'pushed' ? 'created' : 'found'} for ${eventId}, but ${meanwhile} meanwhile: the UiTdatabank event is not used by us${
            how === 'pushed' ? ' (delete it in UiTdatabank if it is not wanted)' : ''
          }.`,
        );
        return false;
      }
    }
  }
  // The claim stays: the next run finds the created event in Search and stores it then.
  report.fail(
    eventId,
    'push',
    new Error(`UiTdatabank id ${uitdatabankId} not stored: the event kept changing`),
  );
  return false;
}

/** The first assessment of a created event, to store with its id. */
type CreatedAssessment = NonNullable<Awaited<ReturnType<typeof assessCreated>>>;

/** An UiTdatabank event this sync created for the event before, and what it last sent to it. */
interface EarlierCreate {
  uitdatabankId: string;
  fingerprint: PushFingerprint;
}

/**
 * The UiTdatabank event the sync created for this event before its id went away: from the push state on the item
 * (a manual id that replaced ours, then was cleared), else from what the organisation's deleted events had pushed
 * (`retiredPushes`: deleting an event keeps its push state apart, lib/adapters/dynamodb/mappings.ts). No call of its
 * own: the latter is one Query per organisation and run, made only by a run that creates. An event saved again under
 * another organisation is not taken back: that organisation's key never maps another's UiTdatabank event.
 */
async function earlierCreate(item: SyncEventItem, ctx: RunContext): Promise<EarlierCreate | undefined> {
  const { event, sync } = item;
  const pushed = sync.pushed ?? (await ctx.retiredPushes(event.organisationId)).get(event.eventId);
  return pushed?.uitdatabankId
    ? { uitdatabankId: pushed.uitdatabankId, fingerprint: pushed.fingerprint }
    : undefined;
}

/**
 * Stores the earlier UiTdatabank event again (reported as `adopted`) and sends what changed since, instead of
 * creating a second one. `create` when that is the right thing after all: the earlier event was deleted in
 * UiTdatabank, or another of our events is mapped to it now.
 */
async function takeBack(
  item: SyncEventItem,
  earlier: EarlierCreate,
  plan: PushPlan,
  ctx: RunContext,
): Promise<'done' | 'create'> {
  const { eventId } = item.event;
  const id = earlier.uitdatabankId;
  if (ctx.knownUitdatabankIds.has(id.toLowerCase())) {
    ctx.report.warn(
      `UiTdatabank event ${id}, which the sync created for ${eventId} before, is mapped to another of our events now: a new one is created for ${eventId}.`,
    );
    return 'create';
  }
  let live: boolean;
  try {
    const found = await ctx.deps.entry.getEvent(id);
    live = found !== null && found.workflowStatus !== 'DELETED';
  } catch (error) {
    // A body we cannot read is still an event that exists; anything else: no answer, so no create either.
    if (error instanceof UpstreamUnavailable && error.reason === 'invalid-response') live = true;
    else {
      ctx.report.fail(
        eventId,
        'push',
        error,
        `looking up ${id}, which the sync created for this event before`,
      );
      return 'done';
    }
  }
  if (!live) {
    ctx.report.warn(
      `UiTdatabank event ${id}, which the sync created for ${eventId} before, is deleted in UiTdatabank: a new one is created.`,
    );
    return 'create';
  }
  ctx.knownUitdatabankIds.add(id.toLowerCase());
  logger.info('Taking back the UiTdatabank event the sync created before', { eventId, uitdatabankId: id });
  if (await storeId(item, id, earlier.fingerprint, 'adopted', ctx)) await update(item, id, plan, ctx);
  return 'done';
}

/** The event a lost create made, if UiTdatabank has it: same name, organizer, place and start, created after it. */
async function findOrphan(claim: PushClaim, ctx: RunContext): Promise<string | undefined> {
  const from = Date.parse(claim.at) - ORPHAN_CLOCK_SKEW_MS;
  const page = await ctx.deps.search.searchEvents({
    q: `name.nl:"${claim.name.replace(/["\\]/g, '\\$&')}"`,
    organizerId: claim.organizerId,
    modifiedFrom: new Date(from),
    disableDefaultFilters: true,
    embed: true,
    sort: { created: 'asc' },
    limit: 50,
  });
  for (const candidate of page.member) {
    const id = idFromUri(candidate['@id'], 'event');
    if (!id || ctx.knownUitdatabankIds.has(id.toLowerCase())) continue;
    if (!isOrphanOf(candidate, claim, from)) continue;
    // Taken before any await: a concurrent lookup of a twin event cannot pick the same one.
    ctx.knownUitdatabankIds.add(id.toLowerCase());
    return id;
  }
  return undefined;
}

function isOrphanOf(candidate: UitdatabankEventRead, claim: PushClaim, from: number): boolean {
  const sameInstant = (a: string | undefined, b: string) =>
    a !== undefined && Date.parse(a) === Date.parse(b);
  const created = Date.parse(candidate.created ?? '');
  const name = typeof candidate.name === 'string' ? candidate.name : candidate.name.nl;
  return (
    name === claim.name &&
    !Number.isNaN(created) &&
    created >= from &&
    idFromUri(candidate.organizer?.['@id'] ?? '', 'organizer')?.toLowerCase() ===
      claim.organizerId.toLowerCase() &&
    idFromUri(candidate.location?.['@id'] ?? '', 'place')?.toLowerCase() === claim.placeId.toLowerCase() &&
    sameInstant(candidate.startDate, claim.startDate)
  );
}

// --- Update ------------------------------------------------------------------------------------------------------

async function update(
  item: SyncEventItem,
  uitdatabankId: string,
  plan: PushPlan,
  ctx: RunContext,
): Promise<void> {
  const { event, sync } = item;
  const { deps, report } = ctx;
  const wanted = fingerprintOf(plan);
  // After a crash between storing the id and recording the push, the claim still says what was sent.
  const pushed =
    sync.pushed?.uitdatabankId === uitdatabankId ? sync.pushed.fingerprint : sync.claim?.fingerprint;
  const changed = changedPushFields(pushed, wanted);

  const fingerprint: PushFingerprint = { ...pushed };
  const issues: SyncIssues = { ...sync.issues };
  let dirty = sync.pushed?.uitdatabankId !== uitdatabankId || sync.claim !== undefined;
  // A refusal of a value we no longer want is history.
  for (const field of ['name', 'calendar', 'basePrice', 'organizer'] as const) {
    if (issues[field] && !changed.includes(field)) {
      delete issues[field];
      dirty = true;
    }
  }

  let sent = 0;
  for (const field of changed) {
    const value = wanted[field];
    if (isStillRefused(issues[field], value)) {
      report.skip(event.eventId, 'refused', refusedReason(`the ${field} change`, issues[field]));
      continue;
    }
    try {
      await send(field, uitdatabankId, plan, ctx);
      fingerprint[field] = value;
      delete issues[field];
      sent += 1;
      dirty = true;
    } catch (error) {
      if (error instanceof UpstreamProblem && RECORDED_REFUSALS.has(error.status)) {
        issues[field] = issueOf(error, value, ctx);
        dirty = true;
        report.fail(
          event.eventId,
          'push',
          error,
          error.type === EVENT_HAS_UITPAS_TICKET_SALES
            ? `UiTdatabank refused the organizer change to ${plan.organizerId}: the event has UiTPAS ticket sales; not tried again until the organizer changes`
            : `UiTdatabank refused the ${field} change; not tried again until it changes`,
        );
      } else {
        report.fail(event.eventId, 'push', error, `${field} update`);
      }
    }
  }
  if (sent > 0) report.updated += 1;
  if (!dirty) return;
  const state = { fingerprint, uitdatabankId, at: ctx.now().toISOString() };
  await deps.store.savePushed(event.eventId, state, issues);
  item.sync = { ...item.sync, pushed: state, issues };
  delete item.sync.claim;
}

async function send(field: PushedField, id: string, plan: PushPlan, ctx: RunContext): Promise<void> {
  const { entry } = ctx.deps;
  switch (field) {
    case 'name':
      return entry.updateName(id, 'nl', plan.name);
    case 'calendar':
      return entry.updateCalendar(id, plan.calendar);
    case 'basePrice': {
      // The PUT replaces every price: keep the other price categories someone set in UiTdatabank.
      const current = await entry.getEvent(id);
      const others: PriceEntry[] = (current?.priceInfo ?? [])
        .filter((price) => price.category === 'tariff' && price.name)
        .map((price) => ({
          category: 'tariff',
          price: price.price,
          ...(price.name ? { name: price.name } : {}),
          ...(price.groupPrice === undefined ? {} : { groupPrice: price.groupPrice }),
        }));
      return entry.updatePriceInfo(id, [basePrice(plan.basePriceCents), ...others]);
    }
    case 'organizer':
      return entry.updateOrganizer(id, plan.organizerId);
  }
}

function basePrice(cents: number): PriceEntry {
  return { category: 'base', price: cents / 100, priceCurrency: 'EUR', name: BASE_PRICE_NAME };
}

function issueOf(error: UpstreamProblem, wanted: string, ctx: RunContext): SyncIssue {
  return {
    type: error.type,
    status: error.status,
    ...(error.detail ? { detail: error.detail.slice(0, 500) } : {}),
    wanted,
    at: ctx.now().toISOString(),
  };
}

function refusedReason(what: string, issue: SyncIssue | undefined): string {
  const because =
    issue?.type === EVENT_HAS_UITPAS_TICKET_SALES
      ? 'the event has UiTPAS ticket sales, so its organizer can no longer change'
      : `${issue?.type ?? 'refused'}${issue?.detail ? `: ${issue.detail}` : ''}`;
  return `UiTdatabank refused ${what} on ${issue?.at ?? '?'} (${because}); not tried again until the value changes.`;
}
