import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { ADMIN, apiEvent, lambdaContext } from '../test-support/api-event.js';
import { httpHandler, ok } from './adapters/http/handler.js';
import { AppError } from './domain/errors.js';
import { lambdaHandler } from './handlers/lambda.js';
import { count, metrics, needsAPerson } from './metrics.js';

/** Every metric counted, with the dimensions added to its instance (a single metric keeps its own). */
function counted() {
  const seen: { name: string; value: number; dimensions: Record<string, string> }[] = [];
  const added = new WeakMap<Metrics, Record<string, string>>();
  vi.spyOn(Metrics.prototype, 'addDimension').mockImplementation(function (this: Metrics, name, value) {
    added.set(this, { ...added.get(this), [name]: value });
    return this;
  });
  vi.spyOn(Metrics.prototype, 'addMetric').mockImplementation(function (this: Metrics, name, _unit, value) {
    seen.push({ name, value, dimensions: { ...added.get(this) } });
    return this;
  });
  return seen;
}

describe('the metrics', () => {
  it('counts a problem answer as a refusal of its type, and flushes after the invocation', async () => {
    const seen = counted();
    const flushed = vi.spyOn(metrics, 'publishStoredMetrics');
    vi.spyOn(metrics, 'hasStoredMetrics').mockReturnValue(true);
    const handler = httpHandler({ auth: { roles: ['admin'] } }, async () => {
      throw new AppError('pass-not-found', 404, 'Unknown UiTPAS');
    });
    const response = await handler(
      apiEvent({ method: 'GET', route: '/v1/x', principal: ADMIN }),
      lambdaContext(),
    );
    expect(response.statusCode).toBe(404);
    expect(seen).toEqual([{ name: 'Refusals', value: 1, dimensions: { problemType: 'pass-not-found' } }]);
    expect(flushed).toHaveBeenCalledTimes(1);
  });

  it('counts an unknown registration outcome apart from the refusal', async () => {
    const seen = counted();
    const handler = httpHandler({ auth: { roles: ['admin'] } }, async () => {
      throw new AppError('uitpas-unavailable', 503, 'UiTPAS is unavailable', {
        extensions: { outcome: 'unknown' },
      });
    });
    await handler(apiEvent({ method: 'GET', route: '/v1/x', principal: ADMIN }), lambdaContext());
    expect(seen.map((metric) => metric.name).sort()).toEqual(['Refusals', 'UnknownOutcomes']);
  });

  it('counts nothing, and flushes nothing, for an answer with nothing to count', async () => {
    const seen = counted();
    const flushed = vi.spyOn(metrics, 'publishStoredMetrics');
    const handler = httpHandler({ auth: { roles: ['admin'] } }, async () => ok({}));
    await handler(apiEvent({ method: 'GET', route: '/v1/x', principal: ADMIN }), lambdaContext());
    expect(seen).toEqual([]);
    expect(flushed).not.toHaveBeenCalled();
  });

  it('flushes what a scheduled function counted, and counts a line for a person', async () => {
    const seen = counted();
    vi.spyOn(metrics, 'hasStoredMetrics').mockReturnValue(true);
    const flushed = vi.spyOn(metrics, 'publishStoredMetrics');
    const handler = lambdaHandler(async () => {
      count('SyncPushed', 3);
      count('SyncFailed', 0);
      needsAPerson('ticket-sale-orphaned', 'a line for a person', { orderId: 'o-1' });
      return 'done';
    });
    await handler({}, lambdaContext());
    expect(seen.map(({ name, value }) => [name, value])).toEqual([
      ['SyncPushed', 3],
      ['NeedsAPerson', 1],
    ]);
    expect(flushed).toHaveBeenCalledTimes(1);
  });
});
