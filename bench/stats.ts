/** Small helpers for the benchmarks: percentiles, timing, and counting DynamoDB commands. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoClient, createTable, type Table } from '../lib/adapters/dynamodb/table.js';
import type { TestStack } from '../test-support/test-stack.js';

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export async function timeEach(count: number, run: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await run(i);
    samples.push(performance.now() - started);
  }
  return samples;
}

/** A pseudo-random generator (mulberry32) in [0, 1): the same seed gives the same sequence on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A copy of `items` in an order drawn from `random` (Fisher-Yates). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * Times every case `samples` times, one call at a time, all cases' calls in one order shuffled with `random`: drift
 * on the machine hits every case alike, and no case always runs right after another. The timings per case.
 */
export async function timeShuffled<K extends string>(
  cases: Record<K, () => Promise<unknown>>,
  samples: number,
  random: () => number,
): Promise<Record<K, number[]>> {
  const names = Object.keys(cases) as K[];
  const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  const order = shuffled(
    names.flatMap((name) => Array.from({ length: samples }, () => name)),
    random,
  );
  for (const name of order) {
    const started = performance.now();
    await cases[name]();
    times[name].push(performance.now() - started);
  }
  return times;
}

export function summary(samples: number[]): { p50: number; p99: number } {
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

export const ms = (value: number) => `${value.toFixed(2)} ms`;

export interface Span {
  name: string;
  start: number;
  end: number;
}

/**
 * How many of these calls had to wait for one another: calls that overlap in time ran in parallel and count as one
 * round, a call that starts after every call of the round before has ended starts another.
 */
export function sequentialRounds(spans: readonly Span[]): number {
  let rounds = 0;
  let roundEnd = Number.NEGATIVE_INFINITY;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (span.start >= roundEnd) {
      rounds += 1;
      roundEnd = span.end;
    } else roundEnd = Math.max(roundEnd, span.end);
  }
  return rounds;
}

/** Counts every command the client sends, by name (GetItemCommand, QueryCommand, ...), and when each ran. */
export function countCommands(client: DynamoDBClient): {
  counts: Map<string, number>;
  spans: Span[];
  total(prefixes?: string[]): number;
  reset(): void;
} {
  const counts = new Map<string, number>();
  const spans: Span[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      counts.set(name, (counts.get(name) ?? 0) + 1);
      const start = performance.now();
      try {
        return await next(args);
      } finally {
        spans.push({ name, start, end: performance.now() });
      }
    },
    { step: 'initialize', name: 'benchCommandCounter' },
  );
  return {
    counts,
    spans,
    total: (names) =>
      [...counts].filter(([name]) => !names || names.includes(name)).reduce((sum, [, n]) => sum + n, 0),
    reset: () => {
      counts.clear();
      spans.length = 0;
    },
  };
}

/** The stack's table through a client of our own, so that every command the code under test sends is counted. */
export function countedTable(stack: TestStack): { table: Table; dynamo: ReturnType<typeof countCommands> } {
  const config = { tableName: stack.table.name, endpoint: stack.dynamo.endpoint, region: 'eu-west-1' };
  const client = createDynamoClient(config);
  const dynamo = countCommands(client);
  return { table: createTable(config, client), dynamo };
}
