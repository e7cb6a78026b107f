/**
 * The local stack for the ticket-sale integration tests: the test stack (test-support/test-stack.ts) with the order
 * repository, an in-memory cancellation queue and the deps of the ticket-sale functions, and the scenarios those
 * tests share. Not used by any function.
 *
 * The sandbox numbers its ticket sales from the same first id after every reset, so each test gets a fresh table
 * (`fresh`) along with the reset: claims of one test can never meet sales of another.
 */

import { type FaultHandle, type FaultKind, PASSES, type Sandbox } from '@uitpas-ticketing/sandbox';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
  SQSEvent,
} from 'aws-lambda';
import { createMappingRepository } from '../lib/adapters/dynamodb/mappings.js';
import { createOrderRepository } from '../lib/adapters/dynamodb/orders.js';
import type { Table } from '../lib/adapters/dynamodb/table.js';
import { type MemoryCancellationQueue, memoryCancellationQueue } from '../lib/adapters/sqs/memory-queue.js';
import type { UitpasClient } from '../lib/adapters/uitpas/client.js';
import type { TokenProvider } from '../lib/adapters/uitpas/token.js';
import type { Principal } from '../lib/domain/access.js';
import type { TicketingEvent } from '../lib/domain/mappings.js';
import { type Order, type OrderStatus, orderKey } from '../lib/domain/ticket-sales/index.js';
import type { TicketSalesDeps } from '../lib/use-cases/ticket-sales/deps.js';
import type { OrderRepository } from '../lib/use-cases/ticket-sales/ports.js';
import type {
  DeadLetterAlarm,
  RetryCancellationsDeps,
} from '../lib/use-cases/ticket-sales/retry-cancellations.js';
import { DEMO_ORGANISATION_ID, seedDemoData } from '../local/seed.js';
import { type ApiEventInput, apiEvent, lambdaContext } from '../test-support/api-event.js';
import { startTestStack } from '../test-support/test-stack.js';

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
  /** The festival's UiTdatabank event, saved while UiTdatabank could not confirm its organizer. */
  unverified: 'demo-unverified',
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

const MINUTE = 60_000;
const TICKET_SALES = '/uitpas/ticket-sales';

export interface SaleCounts {
  posts: number;
  total: number;
  active: number;
}

export interface TicketSalesStack {
  sandbox: Sandbox;
  uitpas: UitpasClient;
  /** The UiTiD token source of `uitpas`, for another client on the same sandbox (through a proxy, say). */
  tokens: TokenProvider;
  /** The current table (replaced by `fresh`). */
  table: Table;
  orders: OrderRepository;
  queue: MemoryCancellationQueue;
  /** A new, seeded table and an empty queue; the sandbox back to its seed. */
  fresh(): Promise<void>;
  deps(overrides?: Partial<TicketSalesDeps>): TicketSalesDeps;
  /**
   * The queue consumer's deps: these deps, this queue for redelivery, 8 receives, the deployed service name, and its
   * alarms to `alarm`.
   */
  retryDeps(alarm: (details: DeadLetterAlarm) => void): RetryCancellationsDeps;
  /** The stored order of the client's `orderId` (`KEY_DEMO`'s unless told), as the table holds it. */
  stored(orderId: string, principal?: Principal): Promise<Order | undefined>;
  /** The stored order's status; undefined when there is no such order. */
  status(orderId: string, principal?: Principal): Promise<OrderStatus | undefined>;
  /**
   * What reached the sandbox in this test: the `POST /ticket-sales` requests (those before `resetRequests` too), and
   * the sales it holds (all of them, and active).
   */
  counts(): SaleCounts;
  /** Empties the sandbox's request log, to count what follows alone; `counts` keeps the POSTs seen so far. */
  resetRequests(): void;
  close(): Promise<void>;
}

export async function startTicketSalesStack(
  options: { tableName?: string; timeoutMs?: number } = {},
): Promise<TicketSalesStack> {
  const base = await startTestStack({
    tableName: options.tableName ?? 'ticket-sales',
    timeoutMs: options.timeoutMs ?? 300,
    retries: 1,
    backoff: { baseMs: 1, maxMs: 5 },
    // The token request is not under test: it keeps a longer timeout than the UiTPAS calls get.
    tokenTransport: { timeoutMs: 2000, retries: 1 },
    seed: seedTicketSales,
  });
  const { sandbox, uitpas, tokens } = base;
  let earlierPosts = 0;
  const stack: TicketSalesStack = {
    sandbox,
    uitpas,
    tokens,
    table: base.table,
    orders: createOrderRepository(base.table),
    queue: memoryCancellationQueue(),
    async fresh() {
      sandbox.reset();
      earlierPosts = 0;
      stack.table = await base.newTable();
      stack.orders = createOrderRepository(stack.table);
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
    retryDeps(alarm) {
      return {
        ...stack.deps(),
        redelivery: stack.queue,
        maxReceives: 8,
        alarm,
      };
    },
    stored(orderId, principal = KEY_DEMO) {
      return stack.orders.get(orderKey(principal, orderId), { consistent: true });
    },
    async status(orderId, principal = KEY_DEMO) {
      return (await stack.stored(orderId, principal))?.status;
    },
    counts() {
      return {
        posts: earlierPosts + sandbox.requests.count(`POST ${TICKET_SALES}`),
        total: sandbox.state.ticketSales().length,
        active: sandbox.state.activeTicketSales().length,
      };
    },
    resetRequests() {
      earlierPosts += sandbox.requests.count(`POST ${TICKET_SALES}`);
      sandbox.requests.reset();
    },
    close: () => base.close(),
  };
  return stack;
}

async function seedTicketSales(table: Table): Promise<void> {
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
    copy(EVENTS.unverified, {
      organizerCheck: {
        status: 'unverified',
        reason: 'uitdatabank-unreachable',
        uitdatabankId: festival.uitdatabankId ?? '',
        checkedAt: at,
      },
    }),
    undefined,
  );
  await mappings.putEvent(
    copy(EVENTS.otherOrganisation, { organisationId: OTHER_ORGANISATION_ID }),
    undefined,
  );
}

export interface SaleLine {
  lineId: string;
  eventId: string;
  uitpasNumber: string;
  tariffId: string;
  regularPrice: number;
  regularPriceLabel?: string;
  quantity?: number;
}

/** A line of a registration: one social-tariff sale for the festival, unless `overrides` say otherwise. */
export const saleLine = (overrides: Partial<SaleLine> = {}): SaleLine => ({
  lineId: 'a',
  eventId: EVENTS.festival,
  uitpasNumber: PASSES.socialTariff,
  tariffId: 'SOCIALTARIFF',
  regularPrice: 10,
  ...overrides,
});

/**
 * The ticket-sale API as a ticketing system calls it (after the authorizer), with `KEY_DEMO` unless told otherwise:
 * `register` serves registering, reading and confirming; `cancel` cancelling. Order ids are numbered per API.
 */
export function ticketSalesApi(handlers: { register: HttpHandler; cancel: HttpHandler }) {
  let orders = 0;
  const nextOrderId = () => `order-${++orders}`;
  const register = (body: unknown, principal: Principal = KEY_DEMO) =>
    call(handlers.register, principal, { method: 'POST', route: '/v1/ticket-sales', body });
  return {
    nextOrderId,
    register,
    /** Registers `lines` (one sale by default) under the next order id. */
    async registerNew(lines: SaleLine[] = [saleLine()]): Promise<{ orderId: string; response: CallResult }> {
      const orderId = nextOrderId();
      return { orderId, response: await register({ orderId, lines }) };
    },
    get: (orderId: string, principal: Principal = KEY_DEMO) =>
      call(handlers.register, principal, {
        method: 'GET',
        route: '/v1/ticket-sales/{orderId}',
        pathParameters: { orderId },
      }),
    /** `body`: only to show that a confirm refuses one. */
    confirm: (orderId: string, principal: Principal = KEY_DEMO, body?: unknown) =>
      call(handlers.register, principal, {
        method: 'POST',
        route: '/v1/ticket-sales/{orderId}/confirm',
        pathParameters: { orderId },
        ...(body === undefined ? {} : { body }),
      }),
    cancel: (orderId: string, options: { lineId?: string; principal?: Principal; body?: unknown } = {}) =>
      call(handlers.cancel, options.principal ?? KEY_DEMO, {
        method: 'DELETE',
        route: '/v1/ticket-sales/{orderId}',
        pathParameters: { orderId },
        ...(options.lineId ? { query: { lineId: options.lineId } } : {}),
        ...(options.body === undefined ? {} : { body: options.body }),
      }),
  };
}

/** Deps whose clock runs `minutes` ahead of the real one (behind, for a negative number). */
export const minutesAhead = (minutes: number): Pick<TicketSalesDeps, 'now'> => ({
  now: () => new Date(Date.now() + minutes * MINUTE),
});

/** The next `POST /uitpas/ticket-sales` (that one only) meets `fault`. */
export const faultNextPost = (sandbox: Sandbox, fault: FaultKind): FaultHandle =>
  sandbox.faults.add({ method: 'POST', path: TICKET_SALES, times: 1, ...fault });

/** Every search for ticket sales (`GET /uitpas/ticket-sales`) answers 503 until the fault is removed. */
export const searchDown = (sandbox: Sandbox): FaultHandle =>
  sandbox.faults.add({ method: 'GET', path: TICKET_SALES, kind: 'status', status: 503 });

/**
 * The next registration ends UNKNOWN: UiTPAS applies its POST but answers only after 1 s (the client gives up after
 * 300 ms), and every search that could find its sales answers 503 until the returned fault is removed.
 */
export function outcomeUnknown(sandbox: Sandbox): FaultHandle {
  faultNextPost(sandbox, { kind: 'delayAfterApply', ms: 1000 });
  return searchDown(sandbox);
}

/** UiTPAS refuses (503) every cancellation, or only that of `ticketSaleId`, until the fault is removed. */
export const cancellationsDown = (sandbox: Sandbox, ticketSaleId?: string): FaultHandle =>
  sandbox.faults.add({
    method: 'DELETE',
    path: ticketSaleId ? `${TICKET_SALES}/${ticketSaleId}` : /^\/uitpas\/ticket-sales\/.+/,
    kind: 'status',
    status: 503,
  });

/** `uitpas` with its registrations held back until `release()`: a POST stuck on its way to UiTPAS. */
export function stalledRegistrations(uitpas: UitpasClient): { uitpas: UitpasClient; release(): void } {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    uitpas: {
      ...uitpas,
      async registerTicketSales(sales, call) {
        await gate;
        return uitpas.registerTicketSales(sales, call);
      },
    },
    release: () => release(),
  };
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
  /** What the Lambda has left when the call starts; default 10 s. */
  remainingMs?: number,
): Promise<CallResult> {
  const context = lambdaContext();
  if (remainingMs !== undefined) context.getRemainingTimeInMillis = () => remainingMs;
  const response = await handler(apiEvent({ ...input, principal }), context);
  return {
    statusCode: response.statusCode ?? 200,
    headers: (response.headers ?? {}) as Record<string, string>,
    body: response.body ? JSON.parse(response.body) : undefined,
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

/** An SQS batch as Lambda delivers it to the cancellation queue consumer. */
export function sqsEvent(messages: { messageId: string; body: string; receiveCount: number }[]): SQSEvent {
  return {
    Records: messages.map(({ messageId, body, receiveCount }) => ({
      messageId,
      receiptHandle: `receipt-${messageId}-${receiveCount}`,
      body,
      attributes: {
        ApproximateReceiveCount: String(receiveCount),
        SentTimestamp: '0',
        SenderId: 'test',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:cancellations',
      awsRegion: 'eu-west-1',
    })),
  };
}
