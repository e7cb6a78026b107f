/**
 * The cancellation queue of the local stack, which has no SQS (CANCELLATION_QUEUE_URL empty): messages are only
 * logged. Nothing is lost by that: the CANCEL_PENDING index and the sweep (`functions/sweep-held-sales.ts`) carry
 * the retry there.
 */
import { logger } from '../../logger.js';
import type { CancellationQueue, CancellationRedelivery } from '../../use-cases/ticket-sales/ports.js';

export function logOnlyCancellationQueue(): CancellationQueue & CancellationRedelivery {
  return {
    async enqueue(message, delaySeconds) {
      logger.info('no cancellation queue configured: the sweep will retry this cancellation', {
        orderId: message.orderId,
        lineId: message.lineId,
        delaySeconds,
      });
    },
    async retryLater() {},
  };
}
