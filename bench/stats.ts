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
