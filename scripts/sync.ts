/**
 * `npm run sync [-- --concurrency 8] [-- --json]`: one run of the UiTdatabank sync, by hand.
 *
 * Runs against the local stack that `npm start` serves (table `uitpas-ticketing-local` on http://127.0.0.1:8000, the
 * sandbox on http://127.0.0.1:4010), unless TABLE_NAME / DYNAMODB_ENDPOINT / PUBLIQ_ENV / SANDBOX_URL (and the
 * publiq credentials) say otherwise. Shows a line per phase with its counts on stderr (a live counter on a
 * terminal), then the summary. Exit code 0 when nothing failed, 1 when some events failed, 2 when the run could not
 * run at all.
 */
import { parseArgs } from 'node:util';
import { LOCAL_DYNAMODB_ENDPOINT, LOCAL_SANDBOX_PORT, LOCAL_TABLE_NAME } from '../local/settings.js';

const { values } = parseArgs({
  options: {
    concurrency: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
  strict: true,
});

// Before the modules that read them are loaded: the logger reads its level once, the composition root the rest.
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
if (!process.env.TABLE_NAME) {
  process.env.TABLE_NAME = LOCAL_TABLE_NAME;
  process.env.DYNAMODB_ENDPOINT ||= LOCAL_DYNAMODB_ENDPOINT;
}
process.env.PUBLIQ_ENV ??= 'sandbox';
if (process.env.PUBLIQ_ENV === 'sandbox')
  process.env.SANDBOX_URL ||= `http://127.0.0.1:${LOCAL_SANDBOX_PORT}`;
if (process.env.DYNAMODB_ENDPOINT) {
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
}

// The deployed function's own composition root, so the script runs the sync exactly as the schedule does.
const { deps } = await import('../functions/sync-uitdatabank.js');
const { runSync } = await import('../lib/use-cases/sync/run.js');
type Progress = import('../lib/use-cases/sync/deps.js').SyncProgress;

const tty = process.stderr.isTTY === true;
let live = false;
let lastDraw = 0;

function line(text: string) {
  if (live) process.stderr.write('\n');
  live = false;
  process.stderr.write(`${text}\n`);
}

/** On a terminal, counters update in place (at most 10 times a second); elsewhere only phase lines are written. */
function onProgress(progress: Progress) {
  const counted = progress.total !== undefined && progress.done !== undefined;
  if (!counted || progress.done === 0) {
    line(`[${progress.phase}] ${progress.message}${counted ? ` (0/${progress.total})` : ''}`);
    return;
  }
  if (!tty) {
    if (progress.done === progress.total) line(`[${progress.phase}] ${progress.done}/${progress.total} done`);
    return;
  }
  const now = Date.now();
  if (now - lastDraw < 100 && progress.done !== progress.total) return;
  lastDraw = now;
  process.stderr.write(
    `\r[${progress.phase}] ${progress.message} ${progress.done}/${progress.total}\u001b[K`,
  );
  live = true;
}

const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) {
  console.error('--concurrency must be a positive whole number');
  process.exit(2);
}

line(
  `UiTdatabank sync: table ${process.env.TABLE_NAME}${process.env.DYNAMODB_ENDPOINT ? ` at ${process.env.DYNAMODB_ENDPOINT}` : ''}, publiq ${process.env.PUBLIQ_ENV}${process.env.PUBLIQ_ENV === 'sandbox' ? ` at ${process.env.SANDBOX_URL}` : ''}`,
);
let result: Awaited<ReturnType<typeof runSync>>;
try {
  result = await runSync(deps, { onProgress, ...(concurrency ? { concurrency } : {}) });
} catch (error) {
  line(`The sync could not run: ${error instanceof Error ? error.message : String(error)}`);
  line(
    'Is the local stack running (`npm start`)? Or set TABLE_NAME, DYNAMODB_ENDPOINT, PUBLIQ_ENV and SANDBOX_URL.',
  );
  process.exit(2);
}

if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
if (result.outcome === 'lease-held') {
  line(`Nothing done: ${result.holder} holds the lease until ${result.leaseExpiresAt}.`);
  process.exit(0);
}
line(
  `${result.outcome}${result.stopReason ? ` (${result.stopReason})` : ''} in ${result.durationMs} ms: pushed ${result.pushed}, adopted ${result.adopted}, updated ${result.updated}, refreshed ${result.refreshed}, skipped ${result.skipped.length}, failed ${result.failed.length}`,
);
const show = <T>(title: string, list: T[], format: (entry: T) => string) => {
  if (list.length === 0) return;
  line(`${title}:`);
  for (const entry of list.slice(0, 20)) line(`  ${format(entry)}`);
  if (list.length > 20) line(`  ... and ${list.length - 20} more (--json shows all)`);
};
show('Skipped', result.skipped, (entry) => `${entry.eventId} [${entry.code}] ${entry.reason}`);
show(
  'Failed',
  result.failed,
  (entry) => `${entry.eventId} [${entry.phase}${entry.transient ? ', retried next run' : ''}] ${entry.error}`,
);
show('Warnings', result.warnings, (entry) => entry);
line(`Upstream calls: ${JSON.stringify(result.upstreamCalls)}`);
process.exit(result.failed.length > 0 ? 1 : 0);
