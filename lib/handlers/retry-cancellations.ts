/**
 * retryCancellations: the cancellation queue's consumer.
 * Trigger: SQS (the cancellation queue), batches, `functionResponseType: ReportBatchItemFailures`.
 * Input: messages `{ orderId, lineId? }`, sent when UiTPAS could not take a cancellation.
 * Output: `batchItemFailures` = the messages whose order still has a cancellation pending: SQS delivers them again,
 * later each time (ChangeMessageVisibility backoff); on the last receive a line for a person (NeedsAPerson) and the
 * `CancellationsDeadLettered` count before the message moves to the dead-letter queue.
 * Side effects: `DELETE /ticket-sales/{id}` at UiTPAS; conditional writes of the order.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger } from '../logger.js';
import {
  type RetryCancellationsDeps,
  retryCancellations,
} from '../use-cases/ticket-sales/retry-cancellations.js';
import { lambdaHandler } from './lambda.js';

export function createHandler(deps: () => RetryCancellationsDeps) {
  return lambdaHandler(async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failed = await retryCancellations(
      event.Records.map((record) => ({
        messageId: record.messageId,
        receiptHandle: record.receiptHandle,
        receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 1) || 1,
        body: record.body,
      })),
      deps(),
    );
    if (failed.length > 0) logger.warn('cancellations still pending', { messages: failed.length });
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  });
}
