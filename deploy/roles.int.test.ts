/**
 * Each function's IAM role held to what its code does. Every function's real composition root (functions/*.ts) runs
 * a scenario against dynalite and the sandbox, through a proxy that records each DynamoDB call it makes: the action,
 * the table or index, and the partition key it touches. Then, against deploy/roles.cjs:
 * - every call is allowed by the function's role, as IAM would judge it (action, resource, `dynamodb:LeadingKeys`);
 * - the role grants nothing the function did not use: every table grant is limited to key prefixes, and every
 *   action and prefix it lists was used in the scenario.
 * SSM and SQS grants are not recorded here (the local stack takes the secret from the environment and has no queue).
 */
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { PASSES, startSandbox } from '@uitpas-ticketing/sandbox';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderIndexKeys } from '../lib/adapters/dynamodb/orders.js';
import type { Table } from '../lib/adapters/dynamodb/table.js';
import type { Principal } from '../lib/domain/access.js';
import { type Order, orderKey } from '../lib/domain/ticket-sales/index.js';
import { createLocalTable, startLocalDynamo } from '../local/dynamo.js';
import { seedDemoData } from '../local/seed.js';
import { LOCAL_API_KEY_BASKET } from '../local/settings.js';
import { ADMIN, apiEvent, BASKET, lambdaContext } from '../test-support/api-event.js';
import { FUNCTION_FILES, type FunctionName, loadRoots } from '../test-support/roots.js';

interface Call {
  action: string;
  /** `table`, or `index/<name>`. */
  resource: string;
  /** The partition key value of the item or the queried partition. */
  key: string;
}

type Statement = {
  Effect: string;
  Action: string[];
  Resource: unknown;
  Condition?: Record<string, { 'dynamodb:LeadingKeys': string[] }>;
};
type RolesModule = (options: {
  resolveVariable: (name: string) => Promise<string>;
}) => Promise<Record<string, { Properties: { Policies: { PolicyDocument: { Statement: Statement[] } }[] } }>>;

const TABLE = 'roles-test';
const calls = new Map<string, Call[]>();

/** The partition key a DynamoDB JSON request touches, read as IAM reads it for `dynamodb:LeadingKeys`. */
/** The parts of a DynamoDB JSON request that say what it touches. */
interface DynamoRequest {
  IndexName?: string;
  KeyConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, { S?: string }>;
  Key?: { pk?: { S?: string } };
  Item?: { pk?: { S?: string } };
}

function callOf(target: string, body: DynamoRequest): Call {
  const action = target.replace(/^DynamoDB_\d+\./, '');
  const resource = body.IndexName ? `index/${body.IndexName}` : 'table';
  if (action === 'Query') {
    const names: Record<string, string> = body.ExpressionAttributeNames ?? {};
    for (const match of String(body.KeyConditionExpression).matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
      const attribute = names[match[1] as string] ?? match[1];
      if (attribute === 'pk' || attribute === 'gsi1pk')
        return { action, resource, key: String(body.ExpressionAttributeValues?.[match[2] as string]?.S) };
    }
    throw new Error(`no partition key in ${body.KeyConditionExpression}`);
  }
  const key = (body.Key ?? body.Item)?.pk?.S;
  if (typeof key !== 'string') throw new Error(`no pk in ${action} ${JSON.stringify(body)}`);
  return { action, resource, key };
}

/** Forwards every request to dynalite; the first path segment says which function sent it. */
async function startRecorder(target: string) {
  const upstream = new URL(target);
  const server = createServer((incoming: IncomingMessage, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const fn = (incoming.url ?? '/').split('/')[1] ?? '';
      const action = String(incoming.headers['x-amz-target'] ?? '');
      if (action) {
        const list = calls.get(fn) ?? [];
        list.push(callOf(action, JSON.parse(body.toString('utf8'))));
        calls.set(fn, list);
      }
      const forward = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: '/',
          method: incoming.method,
          headers: { ...incoming.headers, host: upstream.host },
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type AnyHandler = (
  event: unknown,
  context: Context,
) => Promise<{ statusCode?: number; body?: string } | undefined>;
let handlers: Record<string, AnyHandler>;
let table: Table;
let closeAll: () => Promise<void>;

const FILES = FUNCTION_FILES;

beforeAll(async () => {
  const [dynamo, sandbox] = await Promise.all([startLocalDynamo(), startSandbox({ port: 0 })]);
  table = await createLocalTable(dynamo.endpoint, TABLE);
  await seedDemoData(table);
  const recorder = await startRecorder(dynamo.endpoint);
  handlers = (await loadRoots(Object.keys(FILES) as FunctionName[], {
    sandboxUrl: sandbox.url,
    tableName: TABLE,
    dynamodbEndpoint: (name) => `${recorder.url}/${name}`,
    passHashKey: 'roles-test-pass-hash-key',
  })) as Record<string, AnyHandler>;
  closeAll = async () => {
    await Promise.all([recorder.close(), sandbox.close()]);
    await dynamo.close();
  };
  await scenario(sandbox);
}, 60_000);
afterAll(() => closeAll());

const OPERATOR: Principal = { ...ADMIN, keyId: 'test-operator', organisations: ['*'] };
const statuses: string[] = [];
async function http(name: string, principal: Principal | undefined, input: Parameters<typeof apiEvent>[0]) {
  const response = await handlers[name]?.(apiEvent({ ...input, principal }), lambdaContext(name));
  statuses.push(`${name} ${input.method} ${input.route} ${response?.statusCode}`);
  return response;
}
const scheduled = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };
const sale = (orderId: string, uitpasNumber: string = PASSES.socialTariff) => ({
  orderId,
  lines: [
    {
      lineId: 'l1',
      eventId: 'demo-festival',
      uitpasNumber,
      tariffId: 'SOCIALTARIFF',
      regularPrice: 10,
    },
  ],
});

/** What a day of the service does: each function on its usual paths. */
async function scenario(sandbox: Awaited<ReturnType<typeof startSandbox>>) {
  await handlers.authorize?.(
    { type: 'REQUEST', routeKey: 'POST /v1/tariffs', headers: { 'x-api-key': LOCAL_API_KEY_BASKET } },
    lambdaContext('authorize'),
  );
  await http('health', undefined, { method: 'GET', route: '/v1/health' });
  await http('apiDocs', undefined, { method: 'GET', route: '/v1/openapi.json' });
  await http('apiDocs', undefined, { method: 'GET', route: '/v1/docs' });
  await http('apiDocs', undefined, {
    method: 'GET',
    route: '/v1/docs/{asset}',
    pathParameters: { asset: 'swagger-ui.css' },
  });
  await http('validatePass', BASKET, {
    method: 'POST',
    route: '/v1/passes/validate',
    body: { identifier: '0900000067513' },
  });
  await http('lookupTariffs', BASKET, {
    method: 'POST',
    route: '/v1/tariffs',
    body: { eventId: 'demo-festival', uitpasNumber: '0900000067513', regularPrice: 10 },
  });
  await http('lookupTariffs', BASKET, {
    method: 'GET',
    route: '/v1/events/{eventId}/uitpas-prices',
    pathParameters: { eventId: 'demo-festival' },
  });

  const admin = (method: string, route: string, extra: Partial<Parameters<typeof apiEvent>[0]> = {}) =>
    http('manageMappings', route.includes('organisations') ? OPERATOR : ADMIN, { method, route, ...extra });
  await admin('PUT', '/v1/organisations/{organisationId}', {
    pathParameters: { organisationId: 'roles-org' },
    body: { name: 'Tweede cultuurcentrum' },
  });
  await admin('GET', '/v1/organisations/{organisationId}', {
    pathParameters: { organisationId: 'roles-org' },
  });
  await admin('GET', '/v1/organisations');
  await admin('DELETE', '/v1/organisations/{organisationId}', {
    pathParameters: { organisationId: 'roles-org' },
  });
  await admin('PUT', '/v1/promotors/{promotorId}', {
    pathParameters: { promotorId: 'roles-promotor' },
    body: { name: 'Promotor', organisationId: 'demo-org' },
  });
  await admin('GET', '/v1/promotors/{promotorId}', { pathParameters: { promotorId: 'roles-promotor' } });
  await admin('GET', '/v1/promotors');
  await admin('PUT', '/v1/events/{eventId}', {
    pathParameters: { eventId: 'roles-event' },
    body: {
      name: 'Roles',
      startDate: '2027-02-01T20:00:00+01:00',
      organisationId: 'demo-org',
      promotorId: 'roles-promotor',
      labels: ['UiTPAS'],
      ticketTypes: [{ id: 'base', name: 'Basistarief', price: 10, standard: true }],
      uitdatabankId: '5a0967f9-cc06-4c3c-9206-30481a767434',
    },
  });
  // Another organisation mapping the same UiTdatabank event: refused on the claim (a 409, so nothing stored).
  await http('manageMappings', OPERATOR, {
    method: 'PUT',
    route: '/v1/organisations/{organisationId}',
    pathParameters: { organisationId: 'roles-org-2' },
    body: { name: 'Derde cultuurcentrum', uitdatabankOrganizerId: '0ce87cbc-9299-4528-8d35-92225dc9489f' },
  });
  await http('manageMappings', OPERATOR, {
    method: 'PUT',
    route: '/v1/events/{eventId}',
    pathParameters: { eventId: 'roles-taken' },
    body: {
      name: 'Taken',
      startDate: '2027-02-01T20:00:00+01:00',
      organisationId: 'roles-org-2',
      labels: ['UiTPAS'],
      ticketTypes: [{ id: 'base', name: 'Basistarief', price: 10, standard: true }],
      uitdatabankId: '5a0967f9-cc06-4c3c-9206-30481a767434',
    },
  });
  await admin('GET', '/v1/events/{eventId}', { pathParameters: { eventId: 'roles-event' } });
  await admin('GET', '/v1/events', { query: { label: 'UiTPAS' } });
  await admin('GET', '/v1/audit', { query: { entity: 'event', id: 'roles-event' } });
  // Readiness resolves the organizer through the event's promotor.
  await http('checkReadiness', ADMIN, {
    method: 'GET',
    route: '/v1/events/{eventId}/readiness',
    pathParameters: { eventId: 'roles-event' },
  });
  await admin('DELETE', '/v1/events/{eventId}', { pathParameters: { eventId: 'roles-event' } });
  await admin('DELETE', '/v1/promotors/{promotorId}', { pathParameters: { promotorId: 'roles-promotor' } });

  await http('checkReadiness', ADMIN, {
    method: 'GET',
    route: '/v1/events/{eventId}/readiness',
    pathParameters: { eventId: 'demo-festival' },
  });
  await http('checkReadiness', ADMIN, {
    method: 'GET',
    route: '/v1/readiness',
    query: { organisationId: 'demo-org' },
  });

  const register = (orderId: string, pass?: string) =>
    http('registerTicketSales', BASKET, {
      method: 'POST',
      route: '/v1/ticket-sales',
      body: sale(orderId, pass),
    });
  const order = (route: string, method: string, orderId: string, name = 'registerTicketSales') =>
    http(name, BASKET, { method, route, pathParameters: { orderId } });
  await register('roles-1');
  await order('/v1/ticket-sales/{orderId}', 'GET', 'roles-1');
  await order('/v1/ticket-sales/{orderId}/confirm', 'POST', 'roles-1');
  await order('/v1/ticket-sales/{orderId}', 'DELETE', 'roles-1', 'cancelTicketSales');

  // A cancellation UiTPAS cannot take now: CANCEL_PENDING, then the queue's consumer finishes it.
  await register('roles-2');
  const down = sandbox.faults.add({
    method: 'DELETE',
    path: /^\/uitpas\/ticket-sales\//,
    kind: 'status',
    status: 503,
  });
  await order('/v1/ticket-sales/{orderId}', 'DELETE', 'roles-2', 'cancelTicketSales');
  down.remove();
  await handlers.retryCancellations?.(
    {
      Records: [
        {
          messageId: 'm-1',
          receiptHandle: 'r-1',
          body: JSON.stringify({ orderId: orderKey(BASKET, 'roles-2') }),
          attributes: { ApproximateReceiveCount: '1' },
          eventSource: 'aws:sqs',
        },
      ],
    },
    lambdaContext('retryCancellations'),
  );

  // An order held past its time, for the sweep to cancel.
  await register('roles-3');
  await expireHold('roles-3');

  // Orders whose POST UiTPAS applied but whose answer was lost while its sales could not be searched: their outcome
  // is unknown until someone reconciles them, which claims the sales found. The registration asked again, the
  // cancellation and the sweep each settle one.
  // Each with a pass of its own, so that every sale found belongs to one order only.
  const unsettled = {
    'roles-4': PASSES.socialTariffGentbrugge,
    'roles-5': PASSES.familySocialTariff,
    'roles-6': PASSES.familyChildSocialTariff,
  };
  for (const [orderId, pass] of Object.entries(unsettled)) {
    const lost = sandbox.faults.add({
      method: 'POST',
      path: '/uitpas/ticket-sales',
      times: 1,
      kind: 'dropAfterApply',
    });
    const search = sandbox.faults.add({
      method: 'GET',
      path: '/uitpas/ticket-sales',
      kind: 'status',
      status: 503,
    });
    await register(orderId, pass);
    search.remove();
    lost.remove();
  }
  await register('roles-4', unsettled['roles-4']);
  await order('/v1/ticket-sales/{orderId}', 'DELETE', 'roles-5', 'cancelTicketSales');
  await untouchedSince('roles-6', 10);
  await handlers.sweepHeldSales?.(scheduled, lambdaContext('sweepHeldSales'));

  // The reimbursement export of the day's sales: the ledger (gsi1 SALES#), the orders its claims point at, and each
  // event's organizer (its event, organisation and promotor). For this one export the festival has the seed's
  // promotor, so the promotor is read too; then the festival is put back as it was (directly, as `rewrite` does).
  const today = new Date().toISOString().slice(0, 10);
  const festivalKey = { pk: 'EVENT#demo-festival', sk: 'EVENT' };
  const { Item: festival } = await table.doc.send(
    new GetCommand({ TableName: table.name, Key: festivalKey, ConsistentRead: true }),
  );
  await table.doc.send(
    new PutCommand({
      TableName: table.name,
      Item: { ...festival, ...festivalKey, promotorId: 'demo-guest' },
    }),
  );
  await http('reportTicketSales', ADMIN, {
    method: 'GET',
    route: '/v1/reports/ticket-sales',
    query: { organisationId: 'demo-org', from: today, to: today },
  });
  await table.doc.send(new PutCommand({ TableName: table.name, Item: { ...festival, ...festivalKey } }));

  // Reconciliation: the day's ledger against UiTPAS (stored per event), an event without sales of ours in the
  // window (its mapping read for the UiTdatabank id), the stored results, and the daily run of every organisation.
  await http('reconcileSales', ADMIN, {
    method: 'POST',
    route: '/v1/reconciliation/runs',
    body: { organisationId: 'demo-org', from: today, to: today },
  });
  await http('reconcileSales', ADMIN, {
    method: 'POST',
    route: '/v1/reconciliation/runs',
    body: { organisationId: 'demo-org', eventId: 'demo-festival', from: '2020-01-01', to: '2020-01-07' },
  });
  await http('reconcileSales', ADMIN, {
    method: 'GET',
    route: '/v1/reconciliation',
    query: { organisationId: 'demo-org' },
  });
  await handlers.reconcileSales?.({ reconcile: 'all' }, lambdaContext('reconcileSales'));

  await handlers.syncUitdatabank?.(scheduled, lambdaContext('syncUitdatabank'));
}

/** Lets time pass for one order, as the clock would: directly in the table, not through any function. */
async function rewrite(orderId: string, change: (order: Order) => Order) {
  const key = { pk: `ORDER#${orderKey(BASKET, orderId)}`, sk: 'ORDER' };
  const { Item } = await table.doc.send(
    new GetCommand({ TableName: table.name, Key: key, ConsistentRead: true }),
  );
  const { gsi1pk: _pk, gsi1sk: _sk, ...stored } = Item ?? {};
  const order = change(stored as Order);
  await table.doc.send(
    new PutCommand({ TableName: table.name, Item: { ...order, ...orderIndexKeys(order) } }),
  );
}

const expireHold = (orderId: string) =>
  rewrite(orderId, (order) => ({ ...order, heldUntil: new Date(Date.now() - 60_000).toISOString() }));

/** Last touched before the sweep's grace for unsettled orders, so that the next sweep reconciles it. */
const untouchedSince = (orderId: string, minutes: number) =>
  rewrite(orderId, (order) => ({
    ...order,
    updatedAt: new Date(Date.now() - minutes * 60_000).toISOString(),
  }));

const roles = await (createRequire(import.meta.url)('./roles.cjs') as RolesModule)({
  resolveVariable: async (name) => (name === 'self:service' ? 'uitpas-ticketing' : 'dev'),
});
const roleName = (fn: string) => `${fn.charAt(0).toUpperCase()}${fn.slice(1)}Role`;
const dynamoStatements = (fn: string) =>
  (roles[roleName(fn)]?.Properties.Policies[0]?.PolicyDocument.Statement ?? []).filter((statement) =>
    statement.Action.some((action) => action.startsWith('dynamodb:')),
  );

/** `{ 'Fn::GetAtt': ['Table', 'Arn'] }` is the table; a join ending in `/index/<name>` is that index. */
function resourcesOf(statement: Statement): string[] {
  const list = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
  return list.map((resource) => {
    const joined = JSON.stringify(resource);
    const index = /\/index\/(\w+)/.exec(joined)?.[1];
    return index ? `index/${index}` : 'table';
  });
}

const glob = (pattern: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

function leadingKeys(statement: Statement): { patterns: string[]; exact: boolean } | undefined {
  const like = statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
  if (like) return { patterns: like, exact: false };
  const equals = statement.Condition?.['ForAllValues:StringEquals']?.['dynamodb:LeadingKeys'];
  return equals ? { patterns: equals, exact: true } : undefined;
}

const matches = (keys: { patterns: string[]; exact: boolean }, pattern: string, key: string) =>
  keys.exact ? pattern === key : glob(pattern).test(key);

function allows(statement: Statement, call: Call): boolean {
  if (!statement.Action.includes(`dynamodb:${call.action}`)) return false;
  if (!resourcesOf(statement).includes(call.resource)) return false;
  const keys = leadingKeys(statement);
  return !keys || keys.patterns.some((pattern) => matches(keys, pattern, call.key));
}

/**
 * Grants the code needs on paths this scenario does not take, each with the path. The test keeps them honest too:
 * each must still be in the role (a stale entry fails), and nothing else may go unused.
 */
const BEYOND_THE_SCENARIO: Record<string, Record<string, string>> = {
  reconcileSales: {
    'dynamodb:GetItem on table TICKETSALE#*':
      'the claim of a UiTPAS sale in the window that the window’s ledger does not hold (lib/use-cases/reconciliation/run.ts)',
  },
  manageMappings: {
    'dynamodb:PutItem on table SYNCRETIRED#*':
      'deleting an event the sync created keeps what the sync pushed to it (lib/adapters/dynamodb/mappings.ts deleteEvent)',
  },
  syncUitdatabank: {
    'dynamodb:GetItem on table ORG#*':
      'an event of an organisation the run did not list (lib/use-cases/sync/refresh.ts)',
    'dynamodb:GetItem on table PROMOTOR#*':
      'an event whose organizer comes from its promotor (sync/context.ts)',
    'dynamodb:GetItem on table EVENT#*':
      'the fresh read of an event whose write found it changed meanwhile (sync/push.ts, adapters/dynamodb/sync.ts)',
  },
};

describe.each(Object.keys(FILES))('the %s role', (fn) => {
  it('allows every DynamoDB call the function made', () => {
    const denied = (calls.get(fn) ?? []).filter(
      (call) => !dynamoStatements(fn).some((statement) => allows(statement, call)),
    );
    expect(denied).toEqual([]);
  });

  it('grants no DynamoDB action or key prefix the function did not use', () => {
    const made = calls.get(fn) ?? [];
    const unused: string[] = [];
    const granted = new Set<string>();
    for (const statement of dynamoStatements(fn)) {
      const keys = leadingKeys(statement);
      for (const resource of resourcesOf(statement)) {
        if (resource === 'table' && !keys) unused.push(`${statement.Action.join(',')} on the whole table`);
        for (const action of statement.Action) {
          for (const pattern of keys?.patterns ?? ['*']) {
            const used = made.some(
              (call) =>
                `dynamodb:${call.action}` === action &&
                call.resource === resource &&
                (!keys || matches(keys, pattern, call.key)),
            );
            const grant = `${action} on ${resource}${keys ? ` ${pattern}` : ''}`;
            if (!used && !BEYOND_THE_SCENARIO[fn]?.[grant]) unused.push(grant);
            granted.add(grant);
          }
        }
      }
    }
    expect(unused).toEqual([]);
    expect(Object.keys(BEYOND_THE_SCENARIO[fn] ?? {}).filter((grant) => !granted.has(grant))).toEqual([]);
  });
});

it('ran the scenario as meant: only the lost registrations and the taken mapping failed, and the queue and the sweep did their work', async () => {
  expect(statuses.filter((line) => !/ 2\d\d$/.test(line))).toEqual([
    'manageMappings PUT /v1/events/{eventId} 409',
    ...Array(3).fill('registerTicketSales POST /v1/ticket-sales 503'),
  ]);
  const status = async (orderId: string) =>
    (
      await table.doc.send(
        new GetCommand({
          TableName: table.name,
          Key: { pk: `ORDER#${orderKey(BASKET, orderId)}`, sk: 'ORDER' },
        }),
      )
    ).Item?.status;
  expect(await Promise.all(['roles-2', 'roles-3', 'roles-4', 'roles-5', 'roles-6'].map(status))).toEqual([
    'CANCELLED',
    'CANCELLED',
    'HELD',
    'CANCELLED',
    'HELD',
  ]);
});

it('saw the scenario run: every function but health, apiDocs and validatePass used the table', () => {
  const used = Object.keys(FILES).filter((fn) => (calls.get(fn) ?? []).length > 0);
  expect(used.sort()).toEqual(
    Object.keys(FILES)
      .filter((fn) => !['health', 'apiDocs', 'validatePass'].includes(fn))
      .sort(),
  );
});
