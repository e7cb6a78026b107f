/**
 * The basket's speed on the local stack, sandbox in-process: (a) a direct `GET /tariffs` to the sandbox, (b) the same
 * lookup through the warm `lookupTariffs` handler. Prints p50/p99, their ratio, and the upstream calls and DynamoDB
 * reads per lookup. Figures only; nothing here asserts a time.
 */

import { PASSES } from '@uitpas-ticketing/sandbox';
import { createMappingRepository } from '../lib/adapters/dynamodb/mappings.js';
import { createHandler } from '../lib/handlers/lookup-tariffs.js';
import { SeenEvents } from '../lib/use-cases/basket/lookup-tariffs.js';
import { startDynamoProcess } from '../local/dynamo.js';
import { DEMO_EVENTS } from '../local/seed.js';
import { apiEvent, BASKET, lambdaContext } from '../test-support/api-event.js';
import { startTestStack } from '../test-support/test-stack.js';
import { countedTable, ms, summary, timeEach } from './stats.js';

const WARMUP = 50;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 1000);

export async function benchBasket(): Promise<void> {
  // DynamoDB in its own process, as in AWS; the sandbox in this one, as the issue asks.
  const stack = await startTestStack({
    tableName: 'bench-basket',
    timeoutMs: 4000,
    dynamo: await startDynamoProcess(),
  });
  try {
    const { table, dynamo } = countedTable(stack);
    const mappings = createMappingRepository(table);
    const seen = new SeenEvents();
    const handler = createHandler(() => ({
      events: {
        getForBasket: (eventId) => mappings.getEventForBasket(eventId),
      },
      uitpas: stack.uitpas,
      uitpasTicketTypeId: 'uitpas-kansentarief',
      seen,
    }));
    const { eventId, uitdatabankId } = DEMO_EVENTS.festival;
    const body = { eventId, uitpasNumber: PASSES.socialTariff, regularPrice: 10 };

    const token = stack.sandbox.issueToken();
    const url = `${stack.sandbox.urls.uitpas}/tariffs?eventId=${uitdatabankId}&uitpasNumber=${PASSES.socialTariff}&regularPrice=10`;
    const direct = async () => {
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      if (response.status !== 200) throw new Error(`direct GET /tariffs answered ${response.status}`);
      await response.json();
    };
    const viaHandler = async () => {
      const response = await handler(
        apiEvent({ method: 'POST', route: '/v1/tariffs', body, principal: BASKET }),
        lambdaContext(),
      );
      if (response.statusCode !== 200)
        throw new Error(`lookupTariffs answered ${response.statusCode}: ${response.body}`);
    };

    await timeEach(WARMUP, direct);
    await timeEach(WARMUP, viaHandler);
    console.log(`\nBasket: tariff lookup, ${SAMPLES} samples each (warm, after ${WARMUP} warm-up calls)`);
    await measure('sandbox as is (in-process, answers in well under 1 ms)', SAMPLES);
    // UiTPAS answers in tens of milliseconds, not in a few hundred microseconds; the same comparison with a
    // fixed 20 ms on every GET /tariffs shows what the handler adds when the upstream is not free.
    stack.sandbox.faults.add({ path: '/uitpas/tariffs', kind: 'latency', ms: 20 });
    await measure('sandbox with 20 ms latency on GET /tariffs', Math.min(SAMPLES, 200));
    stack.sandbox.faults.clear();

    async function measure(title: string, samples: number) {
      const directSamples: number[] = [];
      const handlerSamples: number[] = [];
      stack.sandbox.requests.reset();
      dynamo.reset();
      // Interleaved, so that drift on the machine hits both alike.
      for (let i = 0; i < samples; i += 1) {
        directSamples.push(...(await timeEach(1, direct)));
        handlerSamples.push(...(await timeEach(1, viaHandler)));
      }
      const tariffCalls = stack.sandbox.requests.count('GET /uitpas/tariffs') - samples;
      const otherCalls =
        stack.sandbox.requests.all().length - stack.sandbox.requests.count('GET /uitpas/tariffs');
      const d = summary(directSamples);
      const h = summary(handlerSamples);
      console.log(`  ${title}`);
      console.log(`    direct GET /tariffs       p50 ${ms(d.p50)}   p99 ${ms(d.p99)}`);
      console.log(`    lookupTariffs handler     p50 ${ms(h.p50)}   p99 ${ms(h.p99)}`);
      console.log(
        `    ratio handler/direct      p50 ${(h.p50 / d.p50).toFixed(2)}x   p99 ${(h.p99 / d.p99).toFixed(2)}x   (target p50 <= 1.2x)`,
      );
      console.log(
        `    upstream calls per lookup ${(tariffCalls / samples).toFixed(2)} GET /tariffs, ${(otherCalls / samples).toFixed(2)} other`,
      );
      console.log(
        `    DynamoDB calls per lookup ${(dynamo.total() / samples).toFixed(2)} (${[...dynamo.counts].map(([n, c]) => `${n} ${c}`).join(', ')})`,
      );
    }
  } finally {
    await stack.close();
  }
}
