/**
 * Small zod helpers shared by the publiq response schemas. Responses are validated for the fields we use; unknown
 * fields pass through (loose objects) and enums stay open, because publiq adds values over time and a new value in
 * a field we do not branch on must not take the integration down.
 */
import * as z from '../../zod.js';

/**
 * A schema built on its first use and kept: a function builds only the schemas of the calls it makes, and none
 * while its container starts (each publiq schema is dozens of zod objects to construct). Not `z.lazy`: that wraps
 * the schema, and a wrapped object schema can no longer be extended.
 */
export function lazily<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => {
    built ??= build();
    return built;
  };
}

/**
 * A string enum that also accepts values added upstream later. The type keeps the known values for completion and
 * exhaustive handling, with `(string & {})` forcing a default branch.
 */
export function openEnum<const T extends readonly string[]>(_known: T) {
  return z.custom<T[number] | (string & {})>((value) => typeof value === 'string', {
    message: 'expected a string',
  });
}

/**
 * `{nl*, fr, de, en}` as publiq's end-user messages and labels. Not loose: a language or member publiq may add is
 * dropped, as our callers are promised these four (our OpenAPI document) and the message is passed on to them.
 */
export const endUserMessageSchema = lazily(() =>
  z.object({
    nl: z.string(),
    fr: z.optional(z.string()),
    de: z.optional(z.string()),
    en: z.optional(z.string()),
  }),
);
