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
import { logger } from '../logger.js';
import { count } from '../metrics.js';
import type { SyncDeps } from '../use-cases/sync/deps.js';
import type { SyncResult } from '../use-cases/sync/report.js';
import { runSync } from '../use-cases/sync/run.js';
import * as z from '../zod.js';
import { lambdaHandler } from './lambda.js';

/**
 * No work is started later than this before the Lambda timeout (at most a fifth of the time given), so the run ends
 * cleanly, releases its lease and logs its summary; what is left stays pending for the next run.
 */
const TIMEOUT_MARGIN_MS = 30_000;

/** EventBridge's scheduled event; an empty object (a manual invoke) is fine too. */
const scheduledEventSchema = z.looseObject({
  'detail-type': z.optional(z.string()),
  time: z.optional(z.string()),
});

export function createHandler(deps: () => SyncDeps) {
  return lambdaHandler(
    async (event: ScheduledEvent | Record<string, never>, context: Context): Promise<SyncResult> => {
      const parsed = scheduledEventSchema.safeParse(event ?? {});
      if (!parsed.success) logger.warn('syncUitdatabank called with an unexpected event; running anyway');
      const remaining = context.getRemainingTimeInMillis();
      const result = await runSync(deps(), {
        owner: `lambda:${context.awsRequestId}`,
        deadline: Date.now() + remaining - Math.min(TIMEOUT_MARGIN_MS, remaining / 5),
      });
      if ('pushed' in result) {
        count('SyncPushed', result.pushed + result.updated);
        count('SyncFailed', result.failed.length);
        if (result.failed.length === 0 && result.permissions === 'refreshed') count('SyncRunSucceeded');
      }
      return result;
    },
  );
}
