/**
 * The SQS adapter of the cancellation queue: SendMessage to enqueue, ChangeMessageVisibility to back off a message
 * that failed (the consumer reports it in `batchItemFailures`, so Lambda leaves it on the queue).
 */
import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { CancellationQueue, CancellationRedelivery } from '../../use-cases/ticket-sales/ports.js';
import { logOnlyCancellationQueue } from './log-only-queue.js';

/** SQS caps a message delay at 15 minutes and a visibility timeout at 12 hours. */
const MAX_DELAY_SECONDS = 900;
const MAX_VISIBILITY_SECONDS = 12 * 3600;

export interface SqsQueueOptions {
  client: SQSClient;
  queueUrl: string;
}

export function createSqsCancellationQueue(
  options: SqsQueueOptions,
): CancellationQueue & CancellationRedelivery {
  const { client, queueUrl } = options;
  return {
    async enqueue(message, delaySeconds) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify({ orderId: message.orderId, lineId: message.lineId }),
          ...(delaySeconds
            ? { DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.round(delaySeconds))) }
            : {}),
        }),
      );
    },
    async retryLater(receiptHandle, delaySeconds) {
      await client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.round(delaySeconds))),
        }),
      );
    },
  };
}

/** SQS when a queue URL is configured; otherwise the log-only queue of the local stack. */
export function cancellationQueueFromConfig(config: {
  cancellationQueueUrl: string | undefined;
  region: string;
}): CancellationQueue & CancellationRedelivery {
  if (!config.cancellationQueueUrl) return logOnlyCancellationQueue();
  return createSqsCancellationQueue({
    client: new SQSClient({ region: config.region, maxAttempts: 3 }),
    queueUrl: config.cancellationQueueUrl,
  });
}
