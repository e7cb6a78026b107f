/**
 * The basket's speed on the local stack, DynamoDB in its own process: (a) a direct `GET /tariffs` to the sandbox,
 * (b) the same lookup through the warm `lookupTariffs` handler, with the sandbox in this process (as is, and with
 * 20 ms on every `GET /tariffs`) and with the sandbox in its own process (`sandbox/main.ts`, what `npm run sandbox`
 * runs), where its work no longer shares this event loop with the handler's. In each case the direct and the handler
 * samples run in one order shuffled with a fixed seed, so that drift on the machine hits both alike and neither always
 * runs right after the other. Prints p50/p99, their ratio, and the upstream calls and DynamoDB reads per lookup.
 * Figures only; nothing here asserts a time.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PASSES } from '@uitpas-ticketing/sandbox';
import { createMappingRepository } from '../lib/adapters/dynamodb/mappings.js';
import type { UitpasClient } from '../lib/adapters/uitpas/client.js';
import { uitpasFromConfig } from '../lib/composition/publiq.js';
import { parsePubliqConfig } from '../lib/config.js';
import { createHandler } from '../lib/handlers/lookup-tariffs.js';
import { SeenEvents } from '../lib/use-cases/basket/lookup-tariffs.js';
import { StaticTariffsCache } from '../lib/use-cases/basket/uitpas-prices.js';
import { startDynamoProcess } from '../local/dynamo.js';
import { DEMO_EVENTS } from '../local/seed.js';
import { apiEvent, BASKET, lambdaContext } from '../test-support/api-event.js';
import { startTestStack } from '../test-support/test-stack.js';
import { countedTable, ms, seededRandom, summary, timeEach, timeShuffled } from './stats.js';

const WARMUP = 50;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 1000);
/** The seed of the order of the samples: the same order on every run. */
const SEED = 12;
const TARIFFS = 'GET /uitpas/tariffs';

/** A sandbox as the benchmark drives it: in this process or in its own, through its control routes. */
interface Upstream {
  uitpasUrl: string;
  /** A token for the direct call. */
  token: string;
  /** The client the handler uses, pointed at this sandbox. */
  uitpas: UitpasClient;
  /** Requests per `METHOD /path` since the last reset. */
  counts(): Promise<Record<string, number>>;
  resetCounts(): Promise<void>;
  addLatency(path: string, latencyMs: number): Promise<void>;
  clearFaults(): Promise<void>;
  close(): Promise<void>;
}

export async function benchBasket(): Promise<void> {
  const stack = await startTestStack({
    tableName: 'bench-basket',
    timeoutMs: 4000,
    dynamo: await startDynamoProcess(),
  });
  const own = await startSandboxProcess();
  try {
    const { table, dynamo } = countedTable(stack);
    const mappings = createMappingRepository(table);
    const inProcess: Upstream = {
      uitpasUrl: stack.sandbox.urls.uitpas,
      token: stack.sandbox.issueToken(),
      uitpas: stack.uitpas,
      counts: async () => stack.sandbox.requests.counts(),
      resetCounts: async () => stack.sandbox.requests.reset(),
      addLatency: async (path, latencyMs) =>
        void stack.sandbox.faults.add({ path, kind: 'latency', ms: latencyMs }),
      clearFaults: async () => stack.sandbox.faults.clear(),
      close: async () => undefined,
    };
    const random = seededRandom(SEED);
    console.log(
      `\nBasket: tariff lookup, DynamoDB in its own process; ${SAMPLES} samples each (warm, after ${WARMUP} warm-up calls),` +
        ` direct and handler in an order shuffled with seed ${SEED}`,
    );

    await measure(inProcess, 'sandbox in this process, as is (answers in well under 1 ms)', SAMPLES);
    // UiTPAS answers in tens of milliseconds, not in a few hundred microseconds; the same comparison with a
    // fixed 20 ms on every GET /tariffs shows what the handler adds when the upstream is not free.
    await inProcess.addLatency('/uitpas/tariffs', 20);
    await measure(
      inProcess,
      'sandbox in this process, 20 ms latency on GET /tariffs',
      Math.min(SAMPLES, 200),
    );
    await inProcess.clearFaults();
    // The sandbox's own work (routing, its state, JSON) no longer runs on the handler's event loop, as UiTPAS's
    // does not in production: what is left is the handler's own time and DynamoDB's.
    await measure(own, 'sandbox in its own process (npm run sandbox)', SAMPLES);
    await own.addLatency('/uitpas/tariffs', 20);
    await measure(own, 'sandbox in its own process, 20 ms latency on GET /tariffs', Math.min(SAMPLES, 200));
    await own.clearFaults();

    async function measure(upstream: Upstream, title: string, samples: number) {
      const { direct, viaHandler } = lookups(upstream);
      await timeEach(WARMUP, direct);
      await timeEach(WARMUP, viaHandler);
      await upstream.resetCounts();
      dynamo.reset();
      const times = await timeShuffled({ direct, handler: viaHandler }, samples, random);
      const counts = await upstream.counts();
      const all = Object.values(counts).reduce((sum, n) => sum + n, 0);
      const tariffCalls = (counts[TARIFFS] ?? 0) - samples;
      const otherCalls = all - (counts[TARIFFS] ?? 0);
      const d = summary(times.direct);
      const h = summary(times.handler);
      console.log(`  ${title}`);
      console.log(`    direct GET /tariffs       p50 ${ms(d.p50)}   p99 ${ms(d.p99)}`);
      console.log(`    lookupTariffs handler     p50 ${ms(h.p50)}   p99 ${ms(h.p99)}`);
      console.log(
        `    ratio handler/direct      p50 ${(h.p50 / d.p50).toFixed(2)}x   p99 ${(h.p99 / d.p99).toFixed(2)}x   (target p50 <= 2x)`,
      );
      console.log(
        `    upstream calls per lookup ${(tariffCalls / samples).toFixed(2)} GET /tariffs, ${(otherCalls / samples).toFixed(2)} other`,
      );
      console.log(
        `    DynamoDB calls per lookup ${(dynamo.total() / samples).toFixed(2)} (${[...dynamo.counts].map(([n, c]) => `${n} ${c}`).join(', ')})`,
      );
    }

    /** The direct call and the handler's lookup against one sandbox; each case warms up a handler of its own. */
    function lookups(upstream: Upstream) {
      const { eventId, uitdatabankId } = DEMO_EVENTS.festival;
      const body = { eventId, uitpasNumber: PASSES.socialTariff, regularPrice: 10 };
      const url = `${upstream.uitpasUrl}/tariffs?eventId=${uitdatabankId}&uitpasNumber=${PASSES.socialTariff}&regularPrice=10`;
      const headers = { authorization: `Bearer ${upstream.token}` };
      const direct = async () => {
        const response = await fetch(url, { headers });
        if (response.status !== 200) throw new Error(`direct GET /tariffs answered ${response.status}`);
        await response.json();
      };
      return { direct, viaHandler: handlerFor(upstream, body) };
    }

    function handlerFor(upstream: Upstream, body: object) {
      const deps = {
        events: { getForBasket: (eventId: string) => mappings.getEventForBasket(eventId) },
        uitpas: upstream.uitpas,
        uitpasTicketTypeId: 'uitpas-kansentarief',
        seen: new SeenEvents(),
        staticTariffs: new StaticTariffsCache(),
      };
      const handler = createHandler(() => deps);
      return async () => {
        const response = await handler(
          apiEvent({ method: 'POST', route: '/v1/tariffs', body, principal: BASKET }),
          lambdaContext(),
        );
        if (response.statusCode !== 200)
          throw new Error(`lookupTariffs answered ${response.statusCode}: ${response.body}`);
      };
    }
  } finally {
    await Promise.all([own.close(), stack.close()]);
  }
}

/**
 * The sandbox in a child process, as `npm run sandbox` runs it (`tsx sandbox/main.ts`), on a port it picks itself;
 * faults and the request log through its control routes (`/__sandbox/…`).
 */
async function startSandboxProcess(): Promise<Upstream> {
  const main = fileURLToPath(new URL('../sandbox/main.ts', import.meta.url));
  const tsx = new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
  const child = spawn(process.execPath, ['--import', tsx, main], {
    env: { ...process.env, SANDBOX_PORT: '0', SANDBOX_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let url: string;
  try {
    url = await listeningUrl(child);
  } catch (error) {
    child.kill();
    throw error;
  }
  const config = parsePubliqConfig({ PUBLIQ_ENV: 'sandbox', SANDBOX_URL: url });
  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}/__sandbox${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`sandbox ${method} /__sandbox${path} answered ${response.status}`);
    return response.status === 204 ? undefined : response.json();
  };
  const tokenResponse = await fetch(config.urls.token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: config.clientId,
      client_secret: config.clientSecret ?? '',
    }),
  });
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  return {
    uitpasUrl: config.urls.uitpas,
    token,
    // As the function's root builds it (functions/lookup-tariffs.ts): the configured timeouts and retries.
    uitpas: uitpasFromConfig(config),
    counts: async () => ((await control('GET', '/requests')) as { counts: Record<string, number> }).counts,
    resetCounts: async () => void (await control('DELETE', '/requests')),
    addLatency: async (path, latencyMs) =>
      void (await control('POST', '/faults', { path, kind: 'latency', ms: latencyMs })),
    clearFaults: async () => void (await control('DELETE', '/faults')),
    close: async () => {
      if (child.exitCode === null) child.kill();
    },
  };
}

/** The URL the sandbox prints once it listens (`publiq sandbox listening on http://…`). */
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error('the sandbox process did not listen within 30 s')),
      30_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const found = /listening on (http:\/\/\S+)/.exec(out);
      if (found?.[1]) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the sandbox process exited (${code}) before it listened: ${out}`));
    });
  });
}
