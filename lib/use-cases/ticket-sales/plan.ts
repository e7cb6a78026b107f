/**
 * Checks a basket before anything is registered: every line as the basket flow checks it (planTariffRequest: the
 * event is known to this key, UiTPAS-ready, and the price is its standard price), and a quantity above 1 only where
 * UiTPAS's `remaining` allows it. Every problem names its line. Reads only: nothing is written here.
 */

import type { Principal } from '../../domain/access.js';
import { AppError, UpstreamProblem } from '../../domain/errors.js';
import { toCents } from '../../domain/mappings.js';
import { parseUitpasNumber } from '../../domain/pass.js';
import { planTariffRequest, type UitpasTariffs } from '../../domain/tariffs.js';
import {
  forLine,
  type OrderRequest,
  type PlannedLine,
  quantityNotAvailable,
} from '../../domain/ticket-sales/index.js';
import { problemFromUpstream } from '../../domain/upstream-errors.js';
import type { BasketEvent } from '../basket/ports.js';
import type { TicketSalesDeps } from './deps.js';

/** The request with its UiTPAS numbers written as UiTPAS knows them; a malformed one is a 400 naming its line. */
export function normaliseRequest(request: OrderRequest): OrderRequest {
  return {
    orderId: request.orderId,
    lines: request.lines.map((line, i) => {
      try {
        return { ...line, uitpasNumber: parseUitpasNumber(line.uitpasNumber, `/lines/${i}/uitpasNumber`) };
      } catch (error) {
        throw error instanceof AppError ? forLine(error, i, line.lineId, 'uitpasNumber') : error;
      }
    }),
  };
}

const FIELD_OF_REFUSAL: Record<string, string> = { 'regular-price-mismatch': 'regularPrice' };

export type BasketEvents = Map<string, BasketEvent | undefined>;

/** The mapping of every event in the basket: one GetItem per distinct event, all at once. */
export async function loadEvents(
  request: OrderRequest,
  deps: Pick<TicketSalesDeps, 'events'>,
): Promise<BasketEvents> {
  const eventIds = [...new Set(request.lines.map((line) => line.eventId))];
  return new Map(
    await Promise.all(eventIds.map(async (id) => [id, await deps.events.getForBasket(id)] as const)),
  );
}

export async function planOrder(
  request: OrderRequest,
  principal: Principal,
  deps: Pick<TicketSalesDeps, 'events' | 'uitpas' | 'answerBy'>,
  events?: Promise<BasketEvents>,
): Promise<PlannedLine[]> {
  const stored = await (events ?? loadEvents(request, deps));
  const plan = request.lines.map((line, i): PlannedLine => {
    const basketEvent = stored.get(line.eventId);
    try {
      const planned = planTariffRequest(line.eventId, basketEvent?.event, principal, {
        regularPrice: line.regularPrice,
        organizerPermission: basketEvent?.organizerPermission,
        organizerVerdict: basketEvent?.organizerVerdict,
      });
      return {
        lineId: line.lineId,
        eventId: line.eventId,
        organisationId: basketEvent?.event.organisationId ?? '',
        uitdatabankId: planned.uitdatabankId,
      };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      throw forLine(error, i, line.lineId, FIELD_OF_REFUSAL[error.slug] ?? 'eventId');
    }
  });
  await checkQuantities(request, plan, deps);
  return plan;
}

/**
 * Tickets of one pass, event, tariff and price are counted together (two lines of 1 are 2 tickets), and where that is
 * more than one, UiTPAS's `remaining` for the tariff must cover it: one `GET /tariffs` per distinct event, pass and
 * price. Single tickets need no call: the registration itself is UiTPAS's check.
 */
async function checkQuantities(
  request: OrderRequest,
  plan: readonly PlannedLine[],
  deps: Pick<TicketSalesDeps, 'uitpas' | 'answerBy'>,
): Promise<void> {
  interface Group {
    first: number;
    total: number;
    uitdatabankId: string;
    uitpasNumber: string;
    regularPrice: number;
    tariffId: string;
  }
  const groups = new Map<string, Group>();
  request.lines.forEach((line, i) => {
    const uitdatabankId = (plan[i] as PlannedLine).uitdatabankId;
    const key = [
      uitdatabankId.toLowerCase(),
      line.uitpasNumber,
      line.tariffId,
      toCents(line.regularPrice),
    ].join('|');
    const group = groups.get(key) ?? {
      first: i,
      total: 0,
      uitdatabankId,
      uitpasNumber: line.uitpasNumber,
      regularPrice: line.regularPrice,
      tariffId: line.tariffId,
    };
    group.total += line.quantity;
    groups.set(key, group);
  });
  const multiple = [...groups.values()].filter((group) => group.total > 1);
  if (multiple.length === 0) return;

  const asked = new Map<string, Promise<UitpasTariffs>>();
  const ask = (group: Group) => {
    const key = [group.uitdatabankId, group.uitpasNumber, toCents(group.regularPrice)].join('|');
    let answer = asked.get(key);
    if (!answer) {
      answer = deps.uitpas.getTariffs(
        { eventId: group.uitdatabankId, uitpasNumber: group.uitpasNumber, regularPrice: group.regularPrice },
        { deadline: deps.answerBy },
      );
      // Awaited below, group by group; never an unhandled rejection meanwhile.
      answer.catch(() => undefined);
      asked.set(key, answer);
    }
    return answer;
  };
  for (const group of multiple) ask(group);
  for (const group of multiple) {
    const line = request.lines[group.first] as OrderRequest['lines'][number];
    let tariffs: UitpasTariffs;
    try {
      tariffs = await ask(group);
    } catch (error) {
      if (error instanceof UpstreamProblem)
        throw forLine(problemFromUpstream(error), group.first, line.lineId);
      throw error;
    }
    const remaining = tariffs.available.find((tariff) => tariff.id === group.tariffId)?.remaining ?? 0;
    if (remaining < group.total) {
      throw forLine(
        quantityNotAvailable(group.total, remaining, group.tariffId, tariffs.endUserMessage),
        group.first,
        line.lineId,
        'quantity',
      );
    }
  }
}
