import { AppError } from '../../domain/errors.js';
import type * as z from '../../zod.js';

export interface InvalidParam {
  /** JSON pointer into the body, or `query.name` / `path.name`. */
  pointer: string;
  detail: string;
}

/** A zod failure as a 400 problem that lists every field to fix, in the caller's terms. */
export function validationError(error: z.core.$ZodError, where: 'body' | 'query' | 'path'): AppError {
  const invalidParams: InvalidParam[] = error.issues.map((issue) => ({
    pointer:
      where === 'body'
        ? `/${issue.path.map((segment) => String(segment).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`
        : `${where}.${issue.path.join('.')}`,
    detail: issue.message,
  }));
  const first = invalidParams[0];
  return new AppError('invalid-request', 400, 'The request is invalid', {
    detail: `Fix the ${where}${first ? `: ${first.pointer} ${first.detail}` : ''}${invalidParams.length > 1 ? ` (and ${invalidParams.length - 1} more)` : ''}.`,
    extensions: { invalidParams },
  });
}
