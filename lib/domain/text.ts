/**
 * Free text from a caller (names, labels, hints, price labels): what may be stored and shown again. Control
 * characters have no place there: a NUL or an ESC sequence stored in a hint reaches every admin screen, log viewer
 * and webshop that shows it, and a price label is forwarded to UiTPAS. Bidirectional overrides are refused too:
 * they make a label read differently from what it holds. A lone surrogate is not text at all (DynamoDB and JSON
 * consumers may refuse or mangle it), and a text of nothing but invisible format characters is as empty as "".
 */
import * as z from '../zod.js';

/** Unicode's control characters (C0, DEL, C1: line feed among them) and the bidi embeddings, overrides, isolates. */
const CONTROL_CHARACTER = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;
const CONTROL_RULE = 'must not contain control characters (NUL, ESC, tab, bidi overrides)';

export function hasControlCharacter(value: string, options: { lines?: boolean } = {}): boolean {
  return CONTROL_CHARACTER.test(options.lines ? value.replaceAll('\n', '') : value);
}

/** A trimmed, non-empty text of at most `max` characters without control characters; `lines` allows line feeds. */
export function freeText(max: number, options: { lines?: boolean } = {}) {
  return z.string().check(
    z.trim(),
    z.minLength(1, 'must not be empty'),
    z.maxLength(max),
    z.refine((value) => !hasControlCharacter(value, options), {
      message: options.lines ? CONTROL_RULE : `${CONTROL_RULE.replace(/\)$/, '')}, line breaks)`,
    }),
    z.refine((value) => !LONE_SURROGATE.test(value), 'must be well-formed Unicode (no lone surrogate)'),
    z.refine((value) => VISIBLE.test(value), 'must contain a visible character'),
  );
}

/** With the `u` flag a surrogate pair is one code point, so only a lone surrogate matches. */
const LONE_SURROGATE = /\p{Cs}/u;
/** Anything but white space and format characters (zero-width space and joiners, soft hyphen...). */
const VISIBLE = /[^\s\p{Cf}]/u;
