/**
 * The local stack for the ticket-sale integration tests and the benchmark: dynalite, the in-process sandbox, and
 * the real UiTPAS client and repositories between them. Not used by any function.
 *
 * The sandbox numbers its ticket sales from the same first id after every reset, so each test gets a fresh table
 * (`freshTable`) along with the reset: claims of one test can never meet sales of another.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { type ApiEventInput, apiEvent, lambdaContext } from '../../local/api-event.js';
import { createLocalTable, type LocalDynamo, startLocalDynamo } from '../../local/dynamo.js';
import { type Sandbox, startSandbox } from '../../local/sandbox/index.js';
import { DEMO_ORGANISATION_ID, seedDemoData } from '../../local/seed.js';
import type { Principal } from '../domain/access.js';
import type { TicketingEvent } from '../domain/mappings.js';
import { memoryCancellationQueue } from '../queue/cancellation-queue.js';
import { createMappingRepository } from '../store/mappings.js';
import { createOrderRepository, type OrderRepository } from '../store/orders.js';
import type { Table } from '../store/table.js';
import { createUitpasClient, type UitpasClient } from '../uitpas/client.js';
import { createTokenProvider } from '../uitpas/token.js';
import type { TicketSalesDeps } from './deps.js';

export const OTHER_ORGANISATION_ID = 'other-org';
/** The pass-hash key of the test stack (a real deployment reads its own from SSM). */
export const TEST_PASS_HASH_KEY = 'test-pass-hash-key-0123456789abcdef';
/** Ticketing events of the demo seed (local/seed.ts) plus the few extra ones the tests need. */
export const EVENTS = {
  festival: 'demo-festival',
  limited: 'demo-limited',
  noPermission: 'demo-no-permission',
  /** Same UiTdatabank event as the festival, but without the UiTPAS label. */
  notUitpas: 'demo-not-uitpas',
  /** An event of another organisation (for scoping). */
  otherOrganisation: 'other-festival',
} as const;

export const KEY_DEMO: Principal = {
  keyId: 'key-demo',
  clientName: 'box-office',
  role: 'basket',
  organisations: [DEMO_ORGANISATION_ID],
};
export const KEY_OTHER: Principal = {
  keyId: 'key-other',
  clientName: 'webshop-other',
  role: 'basket',
  organisations: [OTHER_ORGANISATION_ID],
};

export interface TicketSalesStack {
  sandbox: Sandbox;
  dynamo: LocalDynamo;
  uitpas: UitpasClient;
  /** The current table (replaced by `freshTable`). */
  table: Table;
  orders: OrderRepository;
  queue: ReturnType<typeof memoryCancellationQueue>;
  /** A new, seeded table and an empty queue; the sandbox back to its seed. */
  fresh(): Promise<void>;
  deps(overrides?: Partial<TicketSalesDeps>): TicketSalesDeps;
  close(): Promise<void>;
}

let tables = 0;

export async function startTicketSalesStack(
  options: { timeoutMs?: number; tablePrefix?: string } = {},
): Promise<TicketSalesStack> {
  const [dynamo, sandbox] = await Promise.all([startLocalDynamo(), startSandbox({ port: 0 })]);
  const tokens = createTokenProvider({
    tokenUrl: sandbox.urls.token,
    clientId: 'sandbox-client',
    getClientSecret: async () => 'sandbox-secret',
    timeoutMs: 2000,
    retries: 1,
  });
  const uitpas = createUitpasClient({
    baseUrl: sandbox.urls.uitpas,
    tokens,
    timeoutMs: options.timeoutMs ?? 300,
    retries: 1,
    backoff: { baseMs: 1, maxMs: 5 },
  });
  const stack: TicketSalesStack = {
    sandbox,
    dynamo,
    uitpas,
    table: undefined as unknown as Table,
    orders: undefined as unknown as OrderRepository,
    queue: memoryCancellationQueue(),
    async fresh() {
      sandbox.reset();
      tables += 1;
      const table = await createLocalTable(
        dynamo.endpoint,
        `${options.tablePrefix ?? 'ticket-sales'}-${tables}`,
      );
      await seedTables(table);
      stack.table = table;
      stack.orders = createOrderRepository(table);
      stack.queue = memoryCancellationQueue();
    },
    deps(overrides = {}) {
      const mappings = createMappingRepository(stack.table);
      return {
        orders: stack.orders,
        events: { getForBasket: (eventId: string) => mappings.getEventForBasket(eventId) },
        uitpas,
        queue: stack.queue,
        heldTimeoutMinutes: 30,
        uitpasTicketTypeId: 'uitpas-kansentarief',
        passHashKey: async () => TEST_PASS_HASH_KEY,
        waitMs: 5000,
        pollMs: 50,
        ...overrides,
      };
    },
    async close() {
      await Promise.all([sandbox.close(), dynamo.close()]);
    },
  };
  await stack.fresh();
  return stack;
}

async function seedTables(table: Table): Promise<void> {
  await seedDemoData(table);
  const mappings = createMappingRepository(table);
  const festival = await mappings.getEvent(EVENTS.festival);
  if (!festival) throw new Error('the demo seed has no festival');
  const at = new Date().toISOString();
  const meta = { createdAt: at, updatedAt: at, updatedBy: 'test', version: 1 };
  const copy = (eventId: string, overrides: Partial<TicketingEvent>): TicketingEvent => ({
    ...festival,
    ...meta,
    eventId,
    ...overrides,
  });
  await mappings.putOrganisation(
    { organisationId: OTHER_ORGANISATION_ID, name: 'Ander centrum', ...meta },
    undefined,
  );
  await mappings.putEvent(copy(EVENTS.notUitpas, { labels: ['uitDB'] }), undefined);
  await mappings.putEvent(
    copy(EVENTS.otherOrganisation, { organisationId: OTHER_ORGANISATION_ID }),
    undefined,
  );
}

/** What reached the sandbox: the `POST /ticket-sales` requests, and the sales it holds (all of them, and active). */
export function saleCounts(sandbox: Sandbox): { posts: number; total: number; active: number } {
  return {
    posts: sandbox.requests.count('POST /uitpas/ticket-sales'),
    total: sandbox.state.ticketSales().length,
    active: sandbox.state.activeTicketSales().length,
  };
}

/** Waits until `condition` holds (polling), or fails after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface CallResult {
  statusCode: number;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected field by field
  body: any;
}

type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** Calls an HTTP handler as API Gateway would, after the authorizer. */
export async function call(
  handler: HttpHandler,
  principal: Principal | undefined,
  input: Omit<ApiEventInput, 'principal'>,
): Promise<CallResult> {
  const response = await handler(apiEvent({ ...input, principal }), lambdaContext());
  return {
    statusCode: response.statusCode ?? 200,
    headers: (response.headers ?? {}) as Record<string, string>,
    body: response.body ? JSON.parse(response.body) : undefined,
  };
}
