/**
 * One run of the UiTdatabank sync (issue 6): take the run lease, refresh the cached UiTPAS permissions, read our
 * events, push the uitDB ones to UiTdatabank, refresh readiness from the change feed and for what changed on our
 * side, release the lease, and return (and log) the summary.
 *
 * Cost per run, with E = our events labelled UiTPAS or uitDB and C = what changed:
 * - DynamoDB: one Query on the ORGS partition, one Query per organisation on gsi1 (whole items, 1 MB pages: for
 *   10,000 events of ~1.5 kB about 15 pages, ~1,900 read units), promotor GetItems (once each), and writes only for
 *   what changed: a created event costs the claim, one write of its id with the push state (and, labelled UiTPAS,
 *   its first assessment), and its audit entry; any later assessment one write (the readiness snapshot with the
 *   sync's record of it); an updated event its push state.
 * - Upstream: the change feed of our organizers only (one Search request per 500 changes of our organizers since a
 *   few minutes before the last run, per 100 organizers), `GET /permissions` once, and per change only: the Entry
 *   POST/PUTs for our changes, a UiTPAS card-systems call per assessed event. Plus the daily sweep of our mapped ids
 *   (one Search request per 100 ids, at most 5 per run, until the cycle is done). A run without changes makes one
 *   Search request and one `GET /permissions`.
 * - A run that creates also reads, once per organisation, what its deleted events had pushed (one Query): an event
 *   the sync created before is taken back, never created twice. So a created event is 3 DynamoDB calls, its first
 *   assessment included; `npm run bench -- sync` prints them per event.
 *
 * An error outside one event (a DynamoDB error on the lease, the load, the feed state) stops the run from starting
 * more work; it still releases its lease and returns (and logs) its summary, with the error in `failed`.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { UITPAS_LABEL } from '../../domain/mappings.js';
import type { PermittedOrganizer } from '../../domain/readiness.js';
import { logger } from '../../logger.js';
import { createRunContext, forEachLimited, type RunContext } from './context.js';
import { counted, resolveOptions, type SyncDeps, type SyncOptions } from './deps.js';
import { pushCandidates, pushPhase } from './push.js';
import { createAssessor, refreshPhase } from './refresh.js';
import { forLog, type SyncPhase, SyncReport, type SyncResult, type SyncSummary } from './report.js';

/** Organisations read at once. */
const LOAD_CONCURRENCY = 4;

export function defaultOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

export async function runSync(deps: SyncDeps, options: SyncOptions = {}): Promise<SyncResult> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const report = new SyncReport();
  const resolved = resolveOptions(options, defaultOwner);
  const { owner } = resolved;

  if (resolved.lease) {
    const lease = await deps.store.acquireLease(owner, resolved.leaseTtlMs, startedAt.getTime());
    if (!lease.acquired) {
      const finishedAt = now();
      const result: SyncResult = {
        outcome: 'lease-held',
        skipped: 'another run holds the lease',
        owner,
        holder: lease.holder,
        leaseExpiresAt: new Date(lease.expiresAt).toISOString(),
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - startedAt.getTime(),
      };
      resolved.onProgress({
        phase: 'lease',
        message: `another run holds the lease (${lease.holder}); nothing done`,
      });
      logger.info('UiTdatabank sync skipped: another run holds the lease', { summary: forLog(result) });
      return result;
    }
    resolved.onProgress({ phase: 'lease', message: `lease taken by ${owner}` });
  }

  const countedDeps: SyncDeps = {
    ...deps,
    entry: counted('entry', deps.entry, report),
    search: counted('search', deps.search, report),
    uitpas: counted('uitpas', deps.uitpas, report),
    now,
  };
  const ctx = createRunContext({ deps: countedDeps, options: resolved, report, now });
  let permissions: 'refreshed' | 'failed' = 'failed';
  let phase: SyncPhase = 'permissions';
  try {
    const permitted = await timed(report, 'permissions', () => refreshPermissions(deps, report));
    if (permitted) permissions = 'refreshed';
    resolved.onProgress({ phase: 'permissions', message: `UiTPAS permissions ${permissions}` });

    // One readiness check for the run: the push assesses what it creates, the refresh the rest.
    const assessor = createAssessor(ctx, { permissions: permitted });
    phase = 'load';
    await timed(report, 'load', () => load(ctx));
    phase = 'push';
    await timed(report, 'push', () => pushPhase(ctx, assessor));
    phase = 'refresh';
    await timed(report, 'refresh', () => refreshPhase(assessor));
  } catch (error) {
    // An error outside any one event (DynamoDB, a bug): the run stops here, and still ends with its summary.
    // Without all our events, neither the push (which must know every mapped id) nor the feed may go on.
    report.fail('*', phase, error);
    ctx.stop('error');
    logger.error('UiTdatabank sync stopped by an error outside one event', { phase, error: error as Error });
  } finally {
    if (resolved.lease) {
      try {
        await deps.store.releaseLease(owner);
      } catch (error) {
        // It expires by itself; the next run waits at most its lifetime.
        logger.warn('Sync lease not released', { owner, error: error as Error });
      }
    }
  }

  const summary = summaryOf(ctx, startedAt, permissions);
  resolved.onProgress({
    phase: 'done',
    message: `pushed ${summary.pushed}, adopted ${summary.adopted}, updated ${summary.updated}, refreshed ${summary.refreshed}, skipped ${summary.skipped.length}, failed ${summary.failed.length}`,
  });
  logger.info('UiTdatabank sync finished', { summary: forLog(summary) });
  return summary;
}

/** What the run did, from its report and what it read. */
function summaryOf(ctx: RunContext, startedAt: Date, permissions: 'refreshed' | 'failed'): SyncSummary {
  const { report } = ctx;
  const finishedAt = ctx.now();
  const stopReason = ctx.stopReason();
  return {
    outcome: stopReason ? 'incomplete' : 'completed',
    ...(stopReason ? { stopReason } : {}),
    owner: ctx.options.owner,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    pushed: report.pushed,
    adopted: report.adopted,
    updated: report.updated,
    refreshed: report.refreshed,
    skipped: report.skipped,
    failed: report.failed,
    warnings: report.warnings,
    events: {
      organisations: ctx.organisations.size,
      uitdb: pushCandidates(ctx.items).length,
      uitpasMapped: ctx.items.filter(
        ({ event }) => event.uitdatabankId !== undefined && event.labels.includes(UITPAS_LABEL),
      ).length,
    },
    ...(report.feed ? { feed: report.feed } : {}),
    ...(report.sweep ? { sweep: report.sweep } : {}),
    permissions,
    upstreamCalls: report.upstreamCalls,
    phaseMs: report.phaseMs,
  };
}

/** Once per run, whatever else happens: the readiness checks of this run then read the fresh list. */
async function refreshPermissions(
  deps: SyncDeps,
  report: SyncReport,
): Promise<readonly PermittedOrganizer[] | undefined> {
  report.count('uitpas.getPermissions');
  try {
    return (await deps.permissions.refresh()).organizers;
  } catch (error) {
    report.fail('*', 'permissions', error, 'GET /permissions');
    return undefined;
  }
}

/** Our events labelled UiTPAS or uitDB: a Query per organisation on the mapping index, never a Scan. */
async function load(ctx: RunContext): Promise<void> {
  const organisations = await ctx.deps.mappings.listAllOrganisations();
  for (const organisation of organisations) ctx.organisations.set(organisation.organisationId, organisation);
  await forEachLimited(
    organisations,
    LOAD_CONCURRENCY,
    async () => true,
    async (organisation) => {
      ctx.items.push(...(await ctx.deps.store.listOrganisationEvents(organisation.organisationId)));
    },
    (_organisation, error) => {
      throw error;
    },
  );
  for (const { event } of ctx.items) {
    if (event.uitdatabankId !== undefined) ctx.knownUitdatabankIds.add(event.uitdatabankId.toLowerCase());
  }
  ctx.options.onProgress({
    phase: 'load',
    message: `${organisations.length} organisations, ${ctx.items.length} events labelled UiTPAS or uitDB`,
  });
}

async function timed<T>(report: SyncReport, phase: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    report.phaseMs[phase] = Math.round(performance.now() - started);
  }
}
