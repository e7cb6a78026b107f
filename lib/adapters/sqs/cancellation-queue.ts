/**
 * The cancellation queue: how a cancellation that UiTPAS could not take now gets retried soon, with backoff.
 *
 * The queue only speeds things up. The order is written CANCEL_PENDING (and listed in the table's CANCEL_PENDING
 * index) before anything is enqueued, and the sweep retries every pending cancellation it finds there, so a message
 * that could not be sent, or a stack without a queue, loses nothing: it only waits for the next sweep.
 */
import { logger } from '../../logger.js';

export interface CancellationMessage {
  orderId: string;
  /** The line the cancellation was asked for; absent for the whole order. The consumer retries every pending line. */
  lineId?: string | undefined;
}

export interface CancellationQueue {
  enqueue(message: CancellationMessage, delaySeconds?: number): Promise<void>;
}

/** Makes a received message visible again after `delaySeconds` instead of the queue's visibility timeout. */
export interface CancellationRedelivery {
  retryLater(receiptHandle: string, delaySeconds: number): Promise<void>;
}

/**
 * The local stack has no SQS (CANCELLATION_QUEUE_URL empty): messages are only logged. The CANCEL_PENDING index and
 * the sweep (`functions/sweep-held-sales.ts`) carry the retry there.
 */
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

/** An in-memory queue for tests and the benchmark: keeps what was sent. */
export function memoryCancellationQueue(): CancellationQueue &
  CancellationRedelivery & {
    messages: { message: CancellationMessage; delaySeconds: number | undefined }[];
    redeliveries: { receiptHandle: string; delaySeconds: number }[];
    failNext: number;
  } {
  const queue = {
    messages: [] as { message: CancellationMessage; delaySeconds: number | undefined }[],
    redeliveries: [] as { receiptHandle: string; delaySeconds: number }[],
    /** How many next `enqueue` calls throw, to show that a lost message loses nothing. */
    failNext: 0,
    async enqueue(message: CancellationMessage, delaySeconds?: number) {
      if (queue.failNext > 0) {
        queue.failNext -= 1;
        throw new Error('queue unavailable (test)');
      }
      queue.messages.push({ message, delaySeconds });
    },
    async retryLater(receiptHandle: string, delaySeconds: number) {
      queue.redeliveries.push({ receiptHandle, delaySeconds });
    },
  };
  return queue;
}
