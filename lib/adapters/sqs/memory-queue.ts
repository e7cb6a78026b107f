/** An in-memory cancellation queue for the tests and the benchmark: keeps what was sent, to be looked at. */
import type {
  CancellationMessage,
  CancellationQueue,
  CancellationRedelivery,
} from '../../use-cases/ticket-sales/ports.js';

export interface MemoryCancellationQueue extends CancellationQueue, CancellationRedelivery {
  messages: { message: CancellationMessage; delaySeconds: number | undefined }[];
  redeliveries: { receiptHandle: string; delaySeconds: number }[];
  /** How many next `enqueue` calls throw, to show that a lost message loses nothing. */
  failNext: number;
}

export function memoryCancellationQueue(): MemoryCancellationQueue {
  const queue: MemoryCancellationQueue = {
    messages: [],
    redeliveries: [],
    failNext: 0,
    async enqueue(message, delaySeconds) {
      if (queue.failNext > 0) {
        queue.failNext -= 1;
        throw new Error('queue unavailable (test)');
      }
      queue.messages.push({ message, delaySeconds });
    },
    async retryLater(receiptHandle, delaySeconds) {
      queue.redeliveries.push({ receiptHandle, delaySeconds });
    },
  };
  return queue;
}
