import { AppError } from './errors.js';

/** One page of a list that may go on. */
export interface Page<T> {
  items: T[];
  /** Opaque; pass it back as `cursor` for the next page. Null when there is nothing more. */
  nextCursor: string | null;
}

/**
 * A list's position as the opaque cursor handed out: its JSON, base64url (it fits a query string as it is). Every
 * list names in it what it belongs to (filters, window), so the decoder can refuse a cursor of another query.
 */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** The JSON a cursor holds, or undefined when it is not even that; the list checks the shape it expects. */
export function cursorJson(raw: string): unknown {
  try {
    return JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The 400 of a cursor the list did not hand out; `detail` says how to get a good one. */
export function invalidCursor(detail: string, what = 'not a cursor of this list'): AppError {
  return new AppError('invalid-cursor', 400, 'The cursor is not valid for this list', {
    detail,
    extensions: { invalidParams: [{ pointer: 'query.cursor', detail: what }] },
  });
}
