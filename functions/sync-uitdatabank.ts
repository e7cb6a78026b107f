/**
 * syncUitdatabank: events labelled `uitDB` flow to UiTdatabank, and what we know about UiTdatabank stays fresh.
 * Trigger: EventBridge schedule (`rate(15 minutes)`); also `serverless invoke local -f syncUitdatabank --path
 * events/sync-uitdatabank/scheduled.json` and `npm run sync`.
 * Input: the scheduled event (nothing in it is used). Output: the run summary (pushed, updated, refreshed, skipped
 * with reasons, failed), also logged as JSON; `{ outcome: 'lease-held', skipped: 'another run holds the lease' }`
 * when another run is busy.
 * Side effects: creates and updates events in UiTdatabank (Entry API); reads the Search change feed, UiTPAS card
 * systems and permissions; writes UiTdatabank ids (with audit entries), push state, readiness snapshots, the feed's
 * high-water mark and the run lease to the table. Details and costs: lib/use-cases/sync/run.ts.
 */
import type { Context, ScheduledEvent } from 'aws-lambda';
import { z } from 'zod';
import { createAuditRepository } from '../lib/adapters/dynamodb/audit.js';
import { createReadinessRepository } from '../lib/adapters/dynamodb/readiness.js';
import { createSyncStore } from '../lib/adapters/dynamodb/sync.js';
import { entryClientFromConfig, searchClientFromConfig } from '../lib/adapters/uitdatabank/client.js';
import { publiqConfig } from '../lib/config.js';
import { logger } from '../lib/logger.js';
import { once } from '../lib/once.js';
import type { SyncDeps, SyncOptions } from '../lib/use-cases/sync/deps.js';
import type { SyncResult } from '../lib/use-cases/sync/report.js';
import { runSync } from '../lib/use-cases/sync/run.js';
import { mappings, permissions, table, tokens, uitpas } from '../lib/wiring.js';

/**
 * No work is started later than this before the Lambda timeout (at most a fifth of the time given), so the run ends
 * cleanly, releases its lease and logs its summary; what is left stays pending for the next run.
 */
const TIMEOUT_MARGIN_MS = 30_000;

/**
 * The sync's own budget per UiTdatabank call (`SYNC_UPSTREAM_TIMEOUT_MS`, default 15 s), apart from the basket's
 * (`UPSTREAM_TIMEOUT_MS`, 4 s): a change feed page of embedded events is large, and a `POST /events` cut off by a
 * short timeout may have created the event anyway, which then has to be looked for instead of simply stored. The
 * basket waits for a person at the till; the sync waits for nobody.
 */
const syncTimeoutMs = once(() =>
  z.coerce
    .number()
    .int()
    .positive()
    .default(15_000)
    .parse(process.env.SYNC_UPSTREAM_TIMEOUT_MS || undefined),
);

/** EventBridge's scheduled event; an empty object (a manual invoke) is fine too. */
const scheduledEventSchema = z.looseObject({
  'detail-type': z.string().optional(),
  time: z.string().optional(),
});

export function run(deps: SyncDeps, options: SyncOptions = {}): Promise<SyncResult> {
  return runSync(deps, options);
}

/** Built at first use and kept for the container's life: one DynamoDB client, one token, one permissions cache. */
export const defaultDeps = once(
  (): SyncDeps => ({
    mappings: mappings(),
    audit: createAuditRepository(table()),
    store: createSyncStore(table()),
    // Its own Entry and Search clients (the token is shared), with the sync's timeout.
    entry: entryClientFromConfig({ ...publiqConfig(), timeoutMs: syncTimeoutMs() }, tokens()),
    search: searchClientFromConfig({ ...publiqConfig(), timeoutMs: syncTimeoutMs() }),
    uitpas: uitpas(),
    snapshots: createReadinessRepository(table()),
    permissions: permissions(),
  }),
);

export async function handler(
  event: ScheduledEvent | Record<string, never>,
  context?: Context,
): Promise<SyncResult> {
  const parsed = scheduledEventSchema.safeParse(event ?? {});
  if (!parsed.success) logger.warn('syncUitdatabank called with an unexpected event; running anyway');
  const remaining =
    typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;
  return run(defaultDeps(), {
    ...(context?.awsRequestId ? { owner: `lambda:${context.awsRequestId}` } : {}),
    ...(remaining === undefined
      ? {}
      : { deadline: Date.now() + remaining - Math.min(TIMEOUT_MARGIN_MS, remaining / 5) }),
  });
}
