/**
 * The queue consumer's work: retry the pending cancellations of the order named in each message. A message whose
 * order still has a cancellation pending afterwards is reported failed, so SQS delivers it again, later each time
 * (exponential backoff through ChangeMessageVisibility). On its last receive it raises the alarm before SQS moves it
 * to the dead-letter queue; the order stays CANCEL_PENDING, and the sweep keeps retrying it.
 */
import { hasPendingCancellation } from '../../domain/ticket-sales/index.js';
import { logger } from '../../logger.js';
import { count, needsAPerson } from '../../metrics.js';
import * as z from '../../zod.js';
import { runCancellations } from './cancel.js';
import { context, type TicketSalesDeps } from './deps.js';
import type { CancellationRedelivery } from './ports.js';

export interface QueuedCancellation {
  messageId: string;
  receiptHandle: string;
  /** SQS's ApproximateReceiveCount: 1 on the first delivery. */
  receiveCount: number;
  body: string;
}

export interface RetryCancellationsDeps extends TicketSalesDeps {
  redelivery: CancellationRedelivery;
  /** The queue's redrive maxReceiveCount: the receive after which a failed message goes to the dead-letter queue. */
  maxReceives: number;
  /** Where the dead-letter alarm goes; default: a line for a person and the `CancellationsDeadLettered` count. */
  alarm?: (details: DeadLetterAlarm) => void;
}

export interface DeadLetterAlarm {
  orderId: string;
  lineId?: string | undefined;
  messageId: string;
  receiveCount: number;
}

const messageSchema = z.object({
  /** The order's key: `<client>/<orderId>` (see order-key.ts), or a plain id for an order from before namespacing. */
  orderId: z.string().check(z.minLength(1), z.maxLength(500)),
  lineId: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
});

/** 30 s, 1, 2, 4, 8 min, then 15 min: with 8 receives, about 45 minutes of retries before the dead-letter queue. */
export function backoffSeconds(receiveCount: number): number {
  return Math.min(900, 30 * 2 ** Math.max(0, receiveCount - 1));
}

/** Returns the ids of the messages to deliver again (`batchItemFailures`). */
export async function retryCancellations(
  batch: readonly QueuedCancellation[],
  deps: RetryCancellationsDeps,
): Promise<string[]> {
  const ctx = context(deps);
  const alarm = deps.alarm ?? deadLetterAlarm;
  const failed: string[] = [];
  for (const record of batch) {
    let parsed: z.infer<typeof messageSchema>;
    try {
      parsed = messageSchema.parse(JSON.parse(record.body));
    } catch {
      // It can never succeed; the order it may have meant is in the CANCEL_PENDING index for the sweep anyway.
      logger.error('dropping a malformed cancellation message', { messageId: record.messageId });
      continue;
    }
    let pending = true;
    try {
      const order = await deps.orders.get(parsed.orderId, { consistent: true });
      if (!order) {
        logger.error('a cancellation message names an unknown order; dropping it', {
          orderId: parsed.orderId,
        });
        continue;
      }
      pending = hasPendingCancellation(order) && hasPendingCancellation(await runCancellations(ctx, order));
    } catch (error) {
      logger.error('retrying a cancellation failed', { orderId: parsed.orderId, error });
    }
    if (!pending) continue;
    failed.push(record.messageId);
    if (record.receiveCount >= deps.maxReceives) {
      alarm({
        orderId: parsed.orderId,
        lineId: parsed.lineId,
        messageId: record.messageId,
        receiveCount: record.receiveCount,
      });
      continue;
    }
    try {
      await deps.redelivery.retryLater(record.receiptHandle, backoffSeconds(record.receiveCount));
    } catch (error) {
      // The queue's own visibility timeout applies instead: a retry without backoff, nothing lost.
      logger.warn('could not delay the next delivery of a cancellation message', {
        messageId: record.messageId,
        error,
      });
    }
  }
  return failed;
}

/** The alarm: a line for a person (counted as NeedsAPerson, which pages) and the dead-letter count. */
export function deadLetterAlarm(details: DeadLetterAlarm): void {
  needsAPerson(
    'cancellation-retries-exhausted',
    'cancellation retries exhausted: the message goes to the dead-letter queue; the sweep keeps trying',
    { ...details },
  );
  count('CancellationsDeadLettered');
}
