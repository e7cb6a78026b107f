/**
 * The one place where an error becomes an HTTP answer: application/problem+json (RFC 7807), with our own stable
 * `type` URIs and publiq's `endUserMessage` passed through. Anything we did not expect becomes a bare 500: its
 * message and stack go to the log, never to the caller.
 */
import { AppError, UpstreamProblem, UpstreamUnavailable } from '../../domain/errors.js';
import { problemFromUpstream, unavailableError } from '../../domain/upstream-errors.js';
import { logger } from '../../logger.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  endUserMessage?: { nl: string; fr?: string; de?: string; en?: string };
  [extension: string]: unknown;
}

export interface ProblemResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (error instanceof UpstreamProblem) return problemFromUpstream(error);
  if (error instanceof UpstreamUnavailable) return unavailableError(error);
  return undefined;
}

export function problemBody(error: AppError, correlationId?: string): ProblemBody {
  const body: ProblemBody = {
    type: error.type,
    title: error.title,
    status: error.status,
    ...(error.detail ? { detail: error.detail } : {}),
    ...(error.endUserMessage ? { endUserMessage: error.endUserMessage } : {}),
  };
  // Extensions follow the standard members and can never replace them.
  for (const [key, value] of Object.entries(error.extensions)) if (!(key in body)) body[key] = value;
  if (correlationId) body.correlationId = correlationId;
  return body;
}

export function problemResponse(error: unknown, correlationId?: string): ProblemResponse {
  const known = toAppError(error);
  if (!known) {
    logger.error('Unexpected error', error instanceof Error ? error : new Error(String(error)));
    const body: ProblemBody = {
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail:
        'Something went wrong on our side. Try again; if it keeps failing, contact support with the correlationId.',
      ...(correlationId ? { correlationId } : {}),
    };
    return { statusCode: 500, headers: { 'Content-Type': PROBLEM_CONTENT_TYPE }, body: JSON.stringify(body) };
  }
  const log = known.status >= 500 ? logger.error.bind(logger) : logger.info.bind(logger);
  log('Request refused', {
    problemType: known.type,
    status: known.status,
    detail: known.detail,
    cause: known.cause,
  });
  return {
    statusCode: known.status,
    headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, ...known.headers },
    body: JSON.stringify(problemBody(known, correlationId)),
  };
}
