/**
 * ajv over the OpenAPI document, as tests hold values to its schemas (test-support/openapi.ts), and JSON pointers
 * into that document. For tests only.
 */
import { Ajv2020, type Options } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/** The id the document is added under: `${DOCUMENT_ID}#/components/schemas/X` reaches into it. */
export const DOCUMENT_ID = 'openapi-document';

// A CommonJS module: its default is the plugin under Node, `{ default }` under some interops.
const formats = addFormatsModule as unknown as { default?: unknown };
const addFormats = (formats.default ?? formats) as (ajv: Ajv2020) => Ajv2020;

/**
 * An ajv for JSON Schema 2020-12 (as OpenAPI 3.1 has it) with the formats, holding `document` under DOCUMENT_ID.
 * Lenient as an OpenAPI document needs (its own keywords, no meta-schema check) and silent; `options` add to that.
 */
export function documentAjv(document: object, options: Options = {}): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, validateSchema: false, logger: false, ...options });
  addFormats(ajv);
  ajv.addSchema(document, DOCUMENT_ID);
  return ajv;
}

/** A JSON pointer's segment escaped (RFC 6901): `~` as `~0`, `/` as `~1`. */
export const escapePointerSegment = (segment: string): string =>
  segment.replaceAll('~', '~0').replaceAll('/', '~1');

/** A JSON pointer's segment as it was before `escapePointerSegment`. */
export const unescapePointerSegment = (segment: string): string =>
  segment.replaceAll('~1', '/').replaceAll('~0', '~');

/** A JSON pointer of `segments`, without its leading `/`, as a URI fragment holds it (`#/` goes before it). */
export const pointerFragment = (...segments: string[]): string =>
  segments.map((segment) => encodeURIComponent(escapePointerSegment(segment))).join('/');
