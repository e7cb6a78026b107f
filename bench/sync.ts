/**
 * The UiTdatabank sync at catalogue scale: 10,000 ticketing events (labelled uitDB and UiTPAS, over four
 * organisations) written straight into DynamoDB with BatchWriteItem, the sandbox in-process with real clients, and
 * DynamoDB in its own process. Two runs: the first, full one (creates every event in UiTdatabank, assesses every one),
 * then an incremental one after 1% of our events changed (a new name), 100 other events of ours changed in UiTdatabank
 * (a new base price) and 5,000 events of someone else's organizer changed in UiTdatabank (the rest of the catalogue,
 * which the change feed should not have to read). Prints, for both: time, what the run did, the upstream calls by
 * route (sandbox request log) and the DynamoDB calls by command; then the DynamoDB calls per event, each call
 * attributed by its key to the event whose item or audit trail it touches (the rest are the run's own: lease,
 * listing, permissions cache, feed mark, sweep). Figures only; nothing here asserts a time.
 *
 *   npm run bench -- sync          (BENCH_SYNC_EVENTS=2000 for a quicker look; BENCH_SYNC_CONCURRENCY=8 by default)
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type BatchWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import {
  basePrice,
  NON_UITPAS_ORGANIZER_ID,
  TEST_ORGANIZER_ID,
  TEST_PLACE_ID,
} from '@uitpas-ticketing/sandbox';
import { createAuditRepository } from '../lib/adapters/dynamodb/audit.js';
import { createMappingRepository } from '../lib/adapters/dynamodb/mappings.js';
import { createPermissionsCache } from '../lib/adapters/dynamodb/permissions.js';
import { createSyncStore } from '../lib/adapters/dynamodb/sync.js';
import type { Table } from '../lib/adapters/dynamodb/table.js';
import type { TicketingEvent } from '../lib/domain/mappings.js';
import type { SyncDeps } from '../lib/use-cases/sync/deps.js';
import type { SyncSummary } from '../lib/use-cases/sync/report.js';
import { runSync } from '../lib/use-cases/sync/run.js';
import { startDynamoProcess } from '../local/dynamo.js';
import { startTestStack } from '../test-support/test-stack.js';
import { countedTable } from './stats.js';

const EVENTS = Number(process.env.BENCH_SYNC_EVENTS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_SYNC_CONCURRENCY ?? 8);
const ORGANISATIONS = 4;
const CHANGED_OURS = Math.max(1, Math.round(EVENTS / 100));
const CHANGED_UPSTREAM = 100;
const CHANGED_ELSEWHERE = 5_000;

export async function benchSync(): Promise<void> {
  const stack = await startTestStack({
    tableName: 'bench-sync',
    timeoutMs: 10_000,
    seed: false,
    dynamo: await startDynamoProcess(),
  });
  try {
    const { table, dynamo } = countedTable(stack);
    const byEvent = recordByEvent(table.doc as unknown as DynamoDBClient);
    const mappings = createMappingRepository(table);

    const organizers = [TEST_ORGANIZER_ID];
    for (let i = 1; i < ORGANISATIONS; i += 1) {
      organizers.push(
        stack.sandbox.state.addOrganizer({
          name: `Bench organizer ${i}`,
          uitpas: true,
          permissions: ['TARIFFS_READ', 'TICKETSALES_REGISTER'],
        }).id,
      );
    }
    const seedStarted = performance.now();
    const eventIds = await seed(table, organizers);
    console.log(
      `\nUiTdatabank sync: ${EVENTS} ticketing events (uitDB + UiTPAS) over ${ORGANISATIONS} organisations, concurrency ${CONCURRENCY}`,
    );
    console.log(`  seeded with BatchWriteItem in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

    const deps: SyncDeps = {
      mappings,
      audit: createAuditRepository(table),
      store: createSyncStore(table),
      entry: stack.entry,
      search: stack.search,
      uitpas: stack.uitpas,
      permissions: createPermissionsCache({ table, uitpas: stack.uitpas }),
    };

    const first = await measure('first run (full)', deps, stack.sandbox.requests, dynamo, byEvent);

    // 1% of ours get a new name (an admin save); 100 others change in UiTdatabank (a new base price).
    for (const eventId of eventIds.slice(0, CHANGED_OURS)) {
      const event = await mappings.getEvent(eventId, { consistent: true });
      if (!event) throw new Error(`bench: ${eventId} is gone`);
      await mappings.putEvent(
        { ...event, name: `${event.name} (nieuw)`, version: event.version + 1 },
        event.version,
      );
    }
    for (const eventId of eventIds.slice(CHANGED_OURS, CHANGED_OURS + CHANGED_UPSTREAM)) {
      const event = await mappings.getEvent(eventId);
      if (!event?.uitdatabankId) throw new Error(`bench: ${eventId} was not pushed`);
      stack.sandbox.state.updateEvent(event.uitdatabankId, { priceInfo: [basePrice(12)] });
    }
    stack.sandbox.state.seedEvents({
      count: CHANGED_ELSEWHERE,
      organizerId: NON_UITPAS_ORGANIZER_ID,
      stepMs: 0,
    });
    const second = await measure(
      `incremental run (${CHANGED_OURS} of ours and ${CHANGED_UPSTREAM} of ours in UiTdatabank changed, ${CHANGED_ELSEWHERE} others in UiTdatabank)`,
      deps,
      stack.sandbox.requests,
      dynamo,
      byEvent,
    );
    printTable(first, second);
    const changedOurs = eventIds.slice(0, CHANGED_OURS);
    const changedUpstream = eventIds.slice(CHANGED_OURS, CHANGED_OURS + CHANGED_UPSTREAM);
    const unchanged = eventIds.slice(CHANGED_OURS + CHANGED_UPSTREAM);
    printPerEvent([
      {
        label: `created, with its first assessment (first run, ${first.summary.pushed})`,
        run: first,
        ids: eventIds,
      },
      {
        label: `updated: renamed by an admin (incremental, ${changedOurs.length})`,
        run: second,
        ids: changedOurs,
      },
      {
        label: `changed in UiTdatabank only (incremental, ${changedUpstream.length})`,
        run: second,
        ids: changedUpstream,
      },
      { label: `unchanged (incremental, ${unchanged.length})`, run: second, ids: unchanged },
    ]);
  } finally {
    await stack.close();
  }
}

interface Measured {
  title: string;
  seconds: number;
  summary: SyncSummary;
  upstream: Record<string, number>;
  dynamo: Record<string, number>;
  /** DynamoDB calls by event id (its item, its audit trail), then by command. */
  byEvent: Map<string, Map<string, number>>;
  /** The calls no event's key names: the run's own. */
  perRun: Map<string, number>;
}

async function measure(
  title: string,
  deps: SyncDeps,
  requests: { reset(): void; all(): { method: string; path: string; route?: string }[] },
  dynamo: ReturnType<typeof countedTable>['dynamo'],
  byEvent: ReturnType<typeof recordByEvent>,
): Promise<Measured> {
  requests.reset();
  dynamo.reset();
  byEvent.reset();
  const started = performance.now();
  const result = await runSync(deps, { concurrency: CONCURRENCY });
  const seconds = (performance.now() - started) / 1000;
  if (result.outcome === 'lease-held') throw new Error('bench: the lease was held');
  const upstream: Record<string, number> = {};
  for (const request of requests.all()) {
    const route = `${request.method} ${request.route ?? request.path}`;
    upstream[route] = (upstream[route] ?? 0) + 1;
  }
  const measured = {
    title,
    seconds,
    summary: result,
    upstream,
    dynamo: Object.fromEntries(dynamo.counts),
    byEvent: new Map([...byEvent.events].map(([id, counts]) => [id, new Map(counts)])),
    perRun: new Map(byEvent.perRun),
  };
  console.log(
    `  ${title}: ${seconds.toFixed(1)} s, ${result.outcome}; pushed ${result.pushed}, updated ${result.updated}, refreshed ${result.refreshed}, skipped ${result.skipped.length}, failed ${result.failed.length}`,
  );
  return measured;
}

function printTable(first: Measured, second: Measured): void {
  const row = (label: string, a: string | number, b: string | number) =>
    console.log(`  ${label.padEnd(56)}${String(a).padStart(12)}${String(b).padStart(14)}`);
  console.log('');
  row('', 'first', 'incremental');
  row('time (s)', first.seconds.toFixed(1), second.seconds.toFixed(1));
  for (const key of ['pushed', 'updated', 'refreshed'] as const)
    row(key, first.summary[key], second.summary[key]);
  row('failed', first.summary.failed.length, second.summary.failed.length);
  row('change feed pages / items', feed(first.summary), feed(second.summary));
  console.log('  upstream calls (sandbox request log, by route)');
  const routes = [...new Set([...Object.keys(first.upstream), ...Object.keys(second.upstream)])].sort();
  for (const route of routes) row(`    ${route}`, first.upstream[route] ?? 0, second.upstream[route] ?? 0);
  row('    total', total(first.upstream), total(second.upstream));
  console.log('  DynamoDB calls (by command)');
  const commands = [...new Set([...Object.keys(first.dynamo), ...Object.keys(second.dynamo)])].sort();
  for (const command of commands)
    row(`    ${command}`, first.dynamo[command] ?? 0, second.dynamo[command] ?? 0);
  row('    total', total(first.dynamo), total(second.dynamo));
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);

/**
 * Records every DynamoDB call by the event it is about, from its key (read before the document client marshals it):
 * `EVENT#<id>` (the event's item) and `AUDIT#event#<id>` (its audit trail); anything else is the run's own.
 */
function recordByEvent(client: DynamoDBClient) {
  const events = new Map<string, Map<string, number>>();
  const perRun = new Map<string, number>();
  const add = (counts: Map<string, number>, command: string) =>
    counts.set(command, (counts.get(command) ?? 0) + 1);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context.commandName ?? 'unknown').replace(/Command$/, '');
      const eventId = eventOfCall(args.input as Record<string, unknown>);
      if (eventId === undefined) add(perRun, command);
      else {
        const counts = events.get(eventId) ?? new Map<string, number>();
        events.set(eventId, counts);
        add(counts, command);
      }
      return next(args);
    },
    { step: 'initialize', name: 'benchCallsByEvent' },
  );
  return {
    events,
    perRun,
    reset() {
      events.clear();
      perRun.clear();
    },
  };
}

function eventOfCall(input: Record<string, unknown>): string | undefined {
  const values = input.ExpressionAttributeValues as Record<string, unknown> | undefined;
  const key = (input.Key ?? input.Item) as Record<string, unknown> | undefined;
  const pk = key?.pk ?? (input.IndexName === undefined ? values?.[':pk'] : undefined);
  const text = typeof pk === 'object' && pk !== null ? (pk as { S?: unknown }).S : pk;
  if (typeof text !== 'string') return undefined;
  return /^(?:EVENT#|AUDIT#event#)(.+)$/.exec(text)?.[1];
}

/** Calls per event of each group, from the calls recorded in its run: the mean, and the mean per command. */
function printPerEvent(groups: { label: string; run: Measured; ids: readonly string[] }[]): void {
  console.log('  DynamoDB calls per event (by the key of each call: its item and its audit trail)');
  for (const { label, run, ids } of groups) {
    const commands = new Map<string, number>();
    for (const id of ids)
      for (const [command, n] of run.byEvent.get(id) ?? [])
        commands.set(command, (commands.get(command) ?? 0) + n);
    const count = Math.max(1, ids.length);
    const all = [...commands.values()].reduce((sum, n) => sum + n, 0);
    const detail = [...commands]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([command, n]) => `${(n / count).toFixed(2)} ${command}`)
      .join(', ');
    console.log(
      `    ${label.padEnd(58)}${(all / count).toFixed(2).padStart(8)}${detail ? `  (${detail})` : ''}`,
    );
  }
  const ownCalls = (run: Measured) => [...run.perRun.values()].reduce((sum, n) => sum + n, 0);
  const [first, second] = [groups[0]?.run, groups.at(-1)?.run];
  if (first && second)
    console.log(
      `    ${"the run's own calls (lease, listing, feed, sweep)".padEnd(58)}${String(ownCalls(first)).padStart(8)} first, ${ownCalls(second)} incremental`,
    );
}
const feed = (summary: SyncSummary) => `${summary.feed?.pages ?? 0} / ${summary.feed?.items ?? 0}`;

/**
 * The organisations and events as the mapping repository stores them (same keys, lib/adapters/dynamodb/mappings.ts), 25 items per
 * BatchWriteItem, unprocessed items sent again. Returns the event ids.
 */
async function seed(table: Table, organizers: string[]): Promise<string[]> {
  const at = '2026-01-01T00:00:00.000Z';
  const meta = { createdAt: at, updatedAt: at, updatedBy: 'bench', version: 1 };
  const items: Record<string, unknown>[] = organizers.map((organizerId, i) => ({
    pk: `ORG#bench-org-${i}`,
    sk: 'ORG',
    kind: 'organisation',
    gsi1pk: 'ORGS',
    gsi1sk: `bench-org-${i}`,
    organisationId: `bench-org-${i}`,
    name: `Bench organisation ${i}`,
    uitdatabankOrganizerId: organizerId,
    defaultPlaceId: TEST_PLACE_ID,
    ...meta,
  }));
  const eventIds: string[] = [];
  for (let i = 0; i < EVENTS; i += 1) {
    const organisationId = `bench-org-${i % organizers.length}`;
    const start = new Date(Date.UTC(2030, 0, 1, 19) + i * 3_600_000);
    const event: TicketingEvent = {
      eventId: `bench-${String(i).padStart(5, '0')}`,
      organisationId,
      name: `Voorstelling ${i}`,
      startDate: start.toISOString(),
      endDate: new Date(start.getTime() + 2 * 3_600_000).toISOString(),
      labels: ['uitDB', 'UiTPAS'],
      eventTypeId: '0.50.4.0.0',
      ticketTypes: [
        { id: 'base', name: 'Basistarief', price: 10 + (i % 20), standard: true },
        { id: 'reduced', name: 'Reductie', price: 8, standard: false },
      ],
      ...meta,
    };
    eventIds.push(event.eventId);
    items.push({
      pk: `EVENT#${event.eventId}`,
      sk: 'EVENT',
      kind: 'event',
      gsi1pk: `ORG#${organisationId}#EXTMAP`,
      gsi1sk: `UNMAPPED#${event.startDate}#${event.eventId}`,
      ...event,
    });
  }
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  const writer = async () => {
    for (;;) {
      const batch = batches[next];
      next += 1;
      if (!batch) return;
      let request: BatchWriteCommandInput['RequestItems'] = {
        [table.name]: batch.map((Item) => ({ PutRequest: { Item } })),
      };
      while (request && Object.keys(request).length > 0) {
        const answer: { UnprocessedItems?: BatchWriteCommandInput['RequestItems'] } = await table.doc.send(
          new BatchWriteCommand({ RequestItems: request }),
        );
        request = answer.UnprocessedItems;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
  return eventIds;
}
