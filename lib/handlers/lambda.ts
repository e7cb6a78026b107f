/**
 * The middy wrapper of the functions that are not HTTP routes (authorizer, queue consumer, schedules): the Lambda
 * context on every log line, the keys a previous invocation appended cleared, and the invocation's metrics flushed.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from '../logger.js';
import { flushMetrics } from '../metrics.js';

export function lambdaHandler<E, R>(handler: (event: E, context: Context) => Promise<R>) {
  return middy<E, R>(handler)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({ after: flushMetrics, onError: flushMetrics });
}
