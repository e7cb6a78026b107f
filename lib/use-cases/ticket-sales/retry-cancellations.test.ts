import { describe, expect, it, vi } from 'vitest';
import { logger } from '../../logger.js';
import { metrics } from '../../metrics.js';
import { backoffSeconds, deadLetterAlarm } from './retry-cancellations.js';

describe('the retry schedule', () => {
  it('doubles from 30 seconds up to 15 minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(backoffSeconds)).toEqual([30, 60, 120, 240, 480, 900, 900, 900]);
  });
});

describe('the dead-letter alarm', () => {
  it('logs a line for a person naming the order, and counts the dead-lettered cancellation', () => {
    const counted = vi.spyOn(metrics, 'addMetric');
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);

    deadLetterAlarm({ orderId: 'o-1', messageId: 'm', receiveCount: 8 });

    expect(logged).toHaveBeenCalledWith(
      expect.stringContaining('retries exhausted'),
      expect.objectContaining({ alarm: 'cancellation-retries-exhausted', orderId: 'o-1', receiveCount: 8 }),
    );
    expect(counted).toHaveBeenCalledWith('CancellationsDeadLettered', 'Count', 1);
  });
});
