/**
 * Order ids live in the namespace of the client (the API key owner, `clientName`) that created them: the same
 * `orderId` from two clients is two orders, and one client can neither see nor block another's. Inside the service an
 * order is known by its key, `<client>/<orderId>` with the client name URI-encoded (so it holds no `/`); every answer
 * shows the client's own `orderId`. Orders stored before namespacing have the plain id as key and stay readable by
 * the client that made them.
 */
import type { Principal } from '../access.js';
import type { Order } from './types.js';

export function orderKey(principal: Pick<Principal, 'clientName'>, orderId: string): string {
  return `${encodeURIComponent(principal.clientName)}/${orderId}`;
}

/** The `orderId` the client sent, whether `key` is namespaced or a plain id from before. */
export function publicOrderId(key: string): string {
  const slash = key.indexOf('/');
  return slash === -1 ? key : key.slice(slash + 1);
}

/** A plain-keyed order from before namespacing belongs to the client that made it, and to no other. */
export function isLegacyOrderOf(principal: Pick<Principal, 'clientName'>, order: Order): boolean {
  return !order.orderId.includes('/') && order.clientName === principal.clientName;
}
