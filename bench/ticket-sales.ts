/**
 * Ticket-sale registration on the local stack (DynamoDB in its own process, the sandbox in this one): (a) a direct
 * `POST /ticket-sales` to the sandbox, (b) the same registration through the warm `registerTicketSales` handler.
 * Prints p50/p99, their ratio, and the DynamoDB writes (and reads) per registered line. Every sale is cancelled at
 * the sandbox right after it is measured, so the event's weekly limit never refuses one. Figures only.
 */

import { PASSES } from '@uitpas-ticketing/sandbox';
import { createMappingRepository } from '../lib/adapters/dynamodb/mappings.js';
import { createOrderRepository } from '../lib/adapters/dynamodb/orders.js';
import { createHandler } from '../lib/handlers/register-ticket-sales.js';
import { startDynamoProcess } from '../local/dynamo.js';
import { DEMO_EVENTS } from '../local/seed.js';
import { apiEvent, BASKET, lambdaContext } from '../test-support/api-event.js';
import { startTestStack } from '../test-support/test-stack.js';
import { TEST_PASS_HASH_KEY } from '../test-support/ticket-sales-stack.js';
import { countedTable, ms, type Span, sequentialRounds, summary, timeEach } from './stats.js';

const WARMUP = 20;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const WRITES = ['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand'];
const READS = ['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand'];

interface Line {
  lineId: string;
  uitpasNumber: string;
  quantity: number;
}

export async function benchTicketSales(): Promise<void> {
  const stack = await startTestStack({
    tableName: 'bench-ticket-sales',
    timeoutMs: 4000,
    dynamo: await startDynamoProcess(),
  });
  try {
    const { table, dynamo } = countedTable(stack);
    const mappings = createMappingRepository(table);
    // When each UiTPAS POST ended, so the writes after it can be told from the ones before.
    const posts: Span[] = [];
    const uitpas = Object.create(stack.uitpas) as typeof stack.uitpas;
    uitpas.registerTicketSales = async (...args) => {
      const start = performance.now();
      try {
        return await stack.uitpas.registerTicketSales(...args);
      } finally {
        posts.push({ name: 'POST /ticket-sales', start, end: performance.now() });
      }
    };
    const handler = createHandler(() => ({
      orders: createOrderRepository(table),
      events: { getForBasket: (eventId) => mappings.getEventForBasket(eventId) },
      uitpas,
      heldTimeoutMinutes: 30,
      uitpasTicketTypeId: 'uitpas-kansentarief',
      passHashKey: async () => TEST_PASS_HASH_KEY,
    }));
    const { eventId, uitdatabankId } = DEMO_EVENTS.festival;
    const token = stack.sandbox.issueToken();
    const cancelAtSandbox = (ids: string[]) => {
      for (const id of ids) stack.sandbox.state.cancelTicketSale(id);
    };

    let order = 0;
    const viaHandler = (lines: Line[]) => async () => {
      const body = {
        orderId: `bench-${++order}`,
        lines: lines.map((line) => ({ ...line, eventId, tariffId: 'SOCIALTARIFF', regularPrice: 10 })),
      };
      const response = await handler(
        apiEvent({ method: 'POST', route: '/v1/ticket-sales', body, principal: BASKET }),
        lambdaContext(),
      );
      if (response.statusCode !== 201)
        throw new Error(`registerTicketSales answered ${response.statusCode}: ${response.body}`);
      return JSON.parse(response.body ?? '{}').lines.flatMap(
        (line: { ticketSaleIds: string[] }) => line.ticketSaleIds,
      );
    };
    const direct = (lines: Line[]) => async () => {
      const sales = lines.flatMap((line) =>
        Array.from({ length: line.quantity }, () => ({
          regularPrice: 10,
          tariff: { id: 'SOCIALTARIFF' },
          eventId: uitdatabankId,
          uitpasNumber: line.uitpasNumber,
        })),
      );
      const response = await fetch(`${stack.sandbox.urls.uitpas}/ticket-sales`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(sales),
      });
      if (response.status !== 200) throw new Error(`direct POST /ticket-sales answered ${response.status}`);
      return ((await response.json()) as { id: string }[]).map((sale) => sale.id);
    };

    const single: Line[] = [{ lineId: 'a', uitpasNumber: PASSES.socialTariff, quantity: 1 }];
    const basket: Line[] = [
      { lineId: 'a', uitpasNumber: PASSES.socialTariff, quantity: 1 },
      { lineId: 'b', uitpasNumber: PASSES.socialTariffGentbrugge, quantity: 1 },
      { lineId: 'c', uitpasNumber: PASSES.familySocialTariff, quantity: 1 },
    ];

    for (let i = 0; i < WARMUP; i += 1) {
      cancelAtSandbox(await direct(single)());
      cancelAtSandbox(await viaHandler(single)());
    }
    console.log(
      `\nTicket sales: registration, warm, after ${WARMUP} warm-up calls; every sale cancelled after it`,
    );
    await measure('one line, sandbox as is (in-process)', single, SAMPLES);
    await measure('a basket of three lines, sandbox as is', basket, Math.max(1, Math.floor(SAMPLES / 2)));
    // UiTPAS answers in tens of milliseconds; with 50 ms on every POST the ratio shows what the handler adds then.
    stack.sandbox.faults.add({ method: 'POST', path: '/uitpas/ticket-sales', kind: 'latency', ms: 50 });
    await measure(
      'one line, 50 ms latency on POST /ticket-sales',
      single,
      Math.max(1, Math.floor(SAMPLES / 2)),
    );
    stack.sandbox.faults.clear();

    async function measure(title: string, lines: Line[], samples: number) {
      const directSamples: number[] = [];
      const handlerSamples: number[] = [];
      stack.sandbox.requests.reset();
      dynamo.reset();
      let directIds: string[] = [];
      let handlerIds: string[] = [];
      const roundsAfterPost: number[] = [];
      // Interleaved, so that drift on the machine hits both alike; the cancellations are not timed.
      for (let i = 0; i < samples; i += 1) {
        directSamples.push(...(await timeEach(1, async () => (directIds = await direct(lines)()))));
        cancelAtSandbox(directIds);
        const from = dynamo.spans.length;
        handlerSamples.push(...(await timeEach(1, async () => (handlerIds = await viaHandler(lines)()))));
        const postEnd = posts.at(-1)?.end ?? Number.POSITIVE_INFINITY;
        const writes = dynamo.spans
          .slice(from)
          .filter((span) => WRITES.includes(span.name) && span.start >= postEnd);
        roundsAfterPost.push(sequentialRounds(writes));
        cancelAtSandbox(handlerIds);
      }
      const registeredLines = samples * lines.length;
      const postCount = stack.sandbox.requests.count('POST /uitpas/ticket-sales') - samples;
      const d = summary(directSamples);
      const h = summary(handlerSamples);
      console.log(`  ${title}, ${samples} registrations each`);
      console.log(`    direct POST /ticket-sales      p50 ${ms(d.p50)}   p99 ${ms(d.p99)}`);
      console.log(`    registerTicketSales handler    p50 ${ms(h.p50)}   p99 ${ms(h.p99)}`);
      console.log(
        `    ratio handler/direct           p50 ${(h.p50 / d.p50).toFixed(2)}x   p99 ${(h.p99 / d.p99).toFixed(2)}x`,
      );
      console.log(
        `    DynamoDB writes per registered line ${(dynamo.total(WRITES) / registeredLines).toFixed(2)}, reads ${(dynamo.total(READS) / registeredLines).toFixed(2)} (${[...dynamo.counts].map(([name, count]) => `${name} ${count}`).join(', ')})`,
      );
      console.log(
        `    UiTPAS POST /ticket-sales per registration through the handler ${(postCount / samples).toFixed(2)}`,
      );
      console.log(
        `    sequential DynamoDB write rounds after the POST (parallel writes count once): max ${Math.max(...roundsAfterPost)}, mean ${(roundsAfterPost.reduce((a, b) => a + b, 0) / samples).toFixed(2)}`,
      );
    }
  } finally {
    await stack.close();
  }
}
