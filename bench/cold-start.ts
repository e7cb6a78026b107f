/**
 * A cold start, step by step: a fresh `node` (NODE_OPTIONS=--enable-source-maps, as deployed) loads the function's
 * bundle, built with serverless.yml's esbuild options, and serves its first request against the local stack
 * (DynamoDB in its own process, the sandbox in this one). Node's diagnostics channels time every request the
 * invocation makes, DynamoDB's (node:http) and publiq's (fetch), so the printout shows which steps ran one after the
 * other and which together. The floor is the same for a middy handler whose first call is one DynamoDB read
 * (bench/floor-handler.ts). Median of 5 cold starts each.
 *
 * Locally the secrets come from the configuration, so the SSM read a deployed cold start does is not in these
 * figures; where it would fall is said in the printout.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PASSES } from '@uitpas-ticketing/sandbox';
import { build } from 'esbuild';
import { startDynamoProcess } from '../local/dynamo.js';
import { DEMO_EVENTS } from '../local/seed.js';
import { apiEvent, BASKET } from '../test-support/api-event.js';
import { startTestStack } from '../test-support/test-stack.js';
import { esbuildOptions } from './bundles.js';
import { percentile } from './stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 11;

/** What the child prints: import time, the first invocation's time and status, and its requests in order. */
interface ColdStart {
  importMs: number;
  firstMs: number;
  status: unknown;
  /** `endMs` null: no end was seen (a request still open when the answer went out). */
  requests: { what: string; startMs: number; endMs: number | null }[];
}

/**
 * The child: times the require and the first call, and listens on node:http's diagnostics channel, which every
 * request goes through (the AWS SDK's, and the publiq clients' and the token request's: transport.ts). Times are from
 * the start of the first call.
 */
const CHILD = `
const dc = require('node:diagnostics_channel');
const [bundle, eventFile] = process.argv.slice(2);
const requests = [];
let t0 = 0;
const now = () => Number(process.hrtime.bigint()) / 1e6;
dc.subscribe('http.client.request.start', ({ request }) => {
  const target = request.getHeader('x-amz-target');
  const what = target
    ? 'DynamoDB ' + String(target).replace('DynamoDB_20120810.', '')
    : request.method + ' ' + request.path.split('?')[0];
  const entry = { what, startMs: now() - t0, endMs: NaN };
  requests.push(entry);
  request.once('response', (response) => response.once('end', () => { entry.endMs = now() - t0; }));
});
const started = now();
const { handler } = require(bundle);
const importMs = now() - started;
const event = JSON.parse(require('node:fs').readFileSync(eventFile, 'utf8'));
const context = { functionName: 'cold', awsRequestId: 'cold-1', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:0:function:cold', memoryLimitInMB: '512', functionVersion: '1', getRemainingTimeInMillis: () => 10000 };
t0 = now();
Promise.resolve(handler(event, context)).then((answer) => {
  const firstMs = now() - t0;
  console.log(JSON.stringify({ importMs, firstMs, status: answer && (answer.statusCode ?? 'ok'), requests }));
  process.exit(0);
});
`;

async function bundle(entry: string, dir: string, name: string): Promise<string> {
  const outfile = join(dir, `${name}.cjs`);
  await build({ ...esbuildOptions(), entryPoints: [join(root, entry)], outfile, logLevel: 'silent' });
  return outfile;
}

/** Asynchronous: the sandbox answering the child runs in this process's event loop. */
async function coldStart(child: string, path: string, eventFile: string, env: Record<string, string>) {
  const { stdout: out } = await promisify(execFile)(process.execPath, [child, path, eventFile], {
    encoding: 'utf8',
    env: {
      ...process.env,
      ...env,
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as ColdStart;
}

/** The run with the median total, printed as a timeline. */
function report(name: string, runs: ColdStart[], floorTotal: number | undefined): number {
  const totals = runs.map((run) => run.importMs + run.firstMs);
  const total = percentile(totals, 50);
  const median = runs[totals.indexOf(total)] ?? runs[0];
  if (!median) return Number.NaN;
  const ratio = floorTotal ? `   ${(total / floorTotal).toFixed(2)}x the floor` : '';
  console.log(
    `  ${name}: import ${median.importMs.toFixed(1)} ms + first call ${median.firstMs.toFixed(1)} ms = ${total.toFixed(1)} ms (answer ${median.status})${ratio}`,
  );
  for (const request of median.requests) {
    console.log(
      `      ${request.startMs.toFixed(1).padStart(7)} -> ${(request.endMs?.toFixed(1) ?? 'open').padStart(7)} ms  ${request.what}`,
    );
  }
  return total;
}

export async function benchColdStart(): Promise<void> {
  const stack = await startTestStack({
    tableName: 'bench-cold',
    timeoutMs: 4000,
    dynamo: await startDynamoProcess(),
  });
  const dir = mkdtempSync(join(tmpdir(), 'cold-'));
  try {
    const child = join(dir, 'child.cjs');
    writeFileSync(child, CHILD);
    const env = {
      TABLE_NAME: stack.table.name,
      DYNAMODB_ENDPOINT: stack.dynamo.endpoint,
      AWS_REGION: 'eu-west-1',
      PUBLIQ_ENV: 'sandbox',
      SANDBOX_URL: stack.sandbox.url,
      UITPAS_TICKET_TYPE_ID: 'uitpas-kansentarief',
      FLOOR_TABLE: stack.table.name,
    };
    const { eventId } = DEMO_EVENTS.festival;
    const events = {
      lookup: apiEvent({
        method: 'POST',
        route: '/v1/tariffs',
        body: { eventId, uitpasNumber: PASSES.socialTariff, regularPrice: 10 },
        principal: BASKET,
      }),
      register: (run: number) =>
        apiEvent({
          method: 'POST',
          route: '/v1/ticket-sales',
          body: {
            orderId: `cold-${Date.now()}-${run}`,
            lines: [
              {
                lineId: 'a',
                eventId,
                uitpasNumber: PASSES.socialTariff,
                tariffId: 'SOCIALTARIFF',
                regularPrice: 10,
              },
            ],
          },
          principal: BASKET,
        }),
    };
    const floorPath = await bundle('bench/floor-handler.ts', dir, 'floor');
    const lookupPath = await bundle('functions/lookup-tariffs.ts', dir, 'lookup-tariffs');
    const registerPath = await bundle('functions/register-ticket-sales.ts', dir, 'register-ticket-sales');
    const eventFile = (name: string, event: unknown) => {
      const file = join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify(event));
      return file;
    };
    const lookupEvent = eventFile('lookup', events.lookup);
    let registered = 0;
    const measure = async (title: string) => {
      const floorRuns: ColdStart[] = [];
      const lookupRuns: ColdStart[] = [];
      const registerRuns: ColdStart[] = [];
      for (let run = 0; run < RUNS; run += 1) {
        floorRuns.push(await coldStart(child, floorPath, lookupEvent, env));
        lookupRuns.push(await coldStart(child, lookupPath, lookupEvent, env));
        registered += 1;
        const register = eventFile(`register-${registered}`, events.register(registered));
        registerRuns.push(await coldStart(child, registerPath, register, env));
      }
      console.log(
        `\nCold start, ${title}: a fresh node loads the bundle and serves its first request (median of ${RUNS})`,
      );
      const floor = report('floor (middy + DynamoDB, one GetItem)', floorRuns, undefined);
      report('lookupTariffs', lookupRuns, floor);
      report('registerTicketSales', registerRuns, floor);
    };
    await measure('sandbox answering at once');
    // Closer to publiq over the internet: every request to the sandbox (token, UiTPAS) waits 40 ms.
    const latency = stack.sandbox.faults.add({ path: /^\//, kind: 'latency', ms: 40 });
    await measure('40 ms on every publiq request');
    latency.remove();
    console.log(
      '  Deployed, a first call also reads its secrets from SSM (the UiTPAS client secret before the token request; the pass-hash key before a registration writes), which these local figures leave out.',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await stack.close();
  }
}
