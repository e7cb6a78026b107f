import { describe, expect, it } from 'vitest';
import { backoffSeconds, deadLetterAlarm, emfMetric } from './retry-cancellations.js';

describe('the retry schedule', () => {
  it('doubles from 30 seconds up to 15 minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(backoffSeconds)).toEqual([30, 60, 120, 240, 480, 900, 900, 900]);
  });
});

describe('the dead-letter alarm', () => {
  it('writes one CloudWatch embedded-metric line for CancellationDeadLettered', () => {
    const lines: string[] = [];

    deadLetterAlarm({ orderId: 'o-1', messageId: 'm', receiveCount: 8 }, 'uitpas-ticketing', (line) =>
      lines.push(line),
    );

    expect(lines).toHaveLength(1);
    const metric = JSON.parse(lines[0] as string);
    expect(metric).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'UitpasTicketing',
            Dimensions: [['service']],
            Metrics: [{ Name: 'CancellationDeadLettered', Unit: 'Count' }],
          },
        ],
      },
      CancellationDeadLettered: 1,
      orderId: 'o-1',
      receiveCount: 8,
    });
    expect(typeof metric._aws.Timestamp).toBe('number');
    expect(metric.service).toBeTruthy();
  });

  it('names the service it is given in the service dimension of the metric', () => {
    const lines: string[] = [];

    deadLetterAlarm({ orderId: 'o-1', messageId: 'm', receiveCount: 8 }, 'uitpas-ticketing-test', (line) =>
      lines.push(line),
    );

    expect(JSON.parse(lines[0] as string).service).toBe('uitpas-ticketing-test');
  });

  it('keeps the metric value and dimensions under the names the metadata declares', () => {
    const metric = emfMetric('X', 3, { service: 'uitpas-ticketing' }, 1000);
    expect(metric._aws.Timestamp).toBe(1000);
    expect(metric.X).toBe(3);
    expect(metric._aws.CloudWatchMetrics[0]?.Dimensions[0]?.every((name) => name in metric)).toBe(true);
  });
});
