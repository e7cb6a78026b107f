import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { cancellationQueueFromConfig, createSqsCancellationQueue } from './sqs.js';

const client = new SQSClient({ region: 'eu-west-1' });
const sqs = mockClient(SQSClient);
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/000000000000/cancellations';
const queue = createSqsCancellationQueue({ client, queueUrl: QUEUE_URL });

afterEach(() => {
  sqs.reset();
});

describe('the SQS cancellation queue', () => {
  it('sends the order and line as the message body, with an optional delay capped at 15 minutes', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });

    await queue.enqueue({ orderId: 'o-1', lineId: 'a' });
    await queue.enqueue({ orderId: 'o-2' }, 3600);

    expect(sqs).toHaveReceivedNthCommandWith(SendMessageCommand, 1, {
      QueueUrl: QUEUE_URL,
      MessageBody: '{"orderId":"o-1","lineId":"a"}',
    });
    expect(sqs).toHaveReceivedNthCommandWith(SendMessageCommand, 2, {
      MessageBody: '{"orderId":"o-2"}',
      DelaySeconds: 900,
    });
  });

  it('delays the next delivery of a failed message with ChangeMessageVisibility', async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});

    await queue.retryLater('receipt-1', 120);

    expect(sqs).toHaveReceivedCommandWith(ChangeMessageVisibilityCommand, {
      QueueUrl: QUEUE_URL,
      ReceiptHandle: 'receipt-1',
      VisibilityTimeout: 120,
    });
  });

  it('lets a send failure reach the caller (which keeps the order CANCEL_PENDING for the sweep)', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('throttled'));

    await expect(queue.enqueue({ orderId: 'o-1' })).rejects.toThrow('throttled');
  });

  it('only logs when no queue is configured (the local stack)', async () => {
    const local = cancellationQueueFromConfig({ cancellationQueueUrl: undefined, region: 'eu-west-1' });

    await local.enqueue({ orderId: 'o-1' });

    expect(sqs).not.toHaveReceivedAnyCommand();
  });
});
