import { mayActFor, type Principal } from '../access.js';
import { publicOrderId } from './order-key.js';
import { registeredPriceOfLine } from './price-drift.js';
import type { LineStatus, Order, OrderStatus, PriceDrift, Reconciliation } from './types.js';

// --- access and views -------------------------------------------------------------------------------------------

/** An order belongs to the organisations of its events; a key sees it only when it may act for all of them. */
export function mayAccessOrder(principal: Principal, order: Pick<Order, 'organisationIds'>): boolean {
  return order.organisationIds.every((organisationId) => mayActFor(principal, organisationId));
}

export interface OrderLineView {
  lineId: string;
  eventId: string;
  status: LineStatus;
  uitpasNumber: string;
  tariff: { id: string; name: string | null; price: number | null };
  regularPrice: number;
  regularPriceLabel?: string;
  quantity: number;
  /** What the till charged per ticket, when the request said it. */
  chargedPrice?: number;
  /** The price UiTPAS registered the sales at; null until registered (or when UiTPAS's answer gave none). */
  registeredPrice: number | null;
  /** UiTPAS registered another price than `chargedPrice`. */
  priceDrift?: PriceDrift;
  ticketSaleIds: string[];
  cancelledTicketSaleIds: string[];
}

export interface OrderView {
  orderId: string;
  status: OrderStatus;
  heldUntil: string | null;
  confirmedAt: string | null;
  createdAt: string;
  updatedAt: string;
  lines: OrderLineView[];
  /** What the last search of UiTPAS's sales found, when one was needed. */
  reconciliation?: Reconciliation;
  /** A cancellation asked before the registration's outcome was known, done as soon as it is. */
  cancelRequested?: { at: string; lineIds: string[] | null };
  /** Sales registered for the order that no line holds (a late answer): cancelled by us. */
  orphanedSales?: { ticketSaleId: string; lineId: string; cancelled: boolean }[];
  /** The registration was refused at this time because a line drifted (PRICE_DRIFT=refuse); its sales are cancelled. */
  priceDriftRefusedAt?: string;
  /** The shared "UiTPAS kansentarief" ticket type the registered lines are sold as (product rule 3). */
  uitpasTicketTypeId?: string;
}

export function orderView(order: Order, uitpasTicketTypeId?: string): OrderView {
  return {
    orderId: publicOrderId(order.orderId),
    status: order.status,
    heldUntil: order.heldUntil ?? null,
    confirmedAt: order.confirmedAt ?? null,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    lines: order.lines.map((line) => ({
      lineId: line.lineId,
      eventId: line.eventId,
      status: line.status,
      uitpasNumber: line.uitpasNumberMasked,
      tariff: { id: line.tariffId, name: line.tariffName, price: line.tariffPrice },
      regularPrice: line.regularPrice,
      ...(line.regularPriceLabel === undefined ? {} : { regularPriceLabel: line.regularPriceLabel }),
      quantity: line.quantity,
      ...(line.chargedPrice === undefined ? {} : { chargedPrice: line.chargedPrice }),
      // Orders registered before the field existed: their tariff price is what UiTPAS registered.
      registeredPrice: registeredPriceOfLine(line),
      ...(line.priceDrift ? { priceDrift: line.priceDrift } : {}),
      ticketSaleIds: line.ticketSaleIds,
      cancelledTicketSaleIds: line.cancelledTicketSaleIds,
    })),
    ...(order.reconciliation ? { reconciliation: order.reconciliation } : {}),
    ...(order.cancelRequestedAt
      ? { cancelRequested: { at: order.cancelRequestedAt, lineIds: order.cancelLineIds ?? null } }
      : {}),
    ...(order.orphanedSales?.length
      ? {
          orphanedSales: order.orphanedSales.map((sale) => ({
            ticketSaleId: sale.ticketSaleId,
            lineId: sale.lineId,
            cancelled: sale.cancelledAt !== undefined,
          })),
        }
      : {}),
    ...(order.priceDriftRefusedAt ? { priceDriftRefusedAt: order.priceDriftRefusedAt } : {}),
    ...(uitpasTicketTypeId ? { uitpasTicketTypeId } : {}),
  };
}
