/**
 * UiTdatabank identifiers. The APIs identify events, organizers and places by URI (`.../events/{id}`); UiTPAS takes
 * the bare id. Ids are UUIDs in most cases but not always (legacy ids such as `D04BE067-FBE7-6633-2351893716796CB5`),
 * so they are kept as opaque strings and only checked for a safe shape.
 */

import { isUitdatabankId } from './mappings.js';

/** The safe shape is the one the admin API's schemas check (lib/domain/mappings.ts): one rule for both. */
export { isUitdatabankId };

export type UitdatabankKind = 'event' | 'organizer' | 'place';

const KINDS: Record<string, UitdatabankKind> = {
  event: 'event',
  events: 'event',
  organizer: 'organizer',
  organizers: 'organizer',
  place: 'place',
  places: 'place',
};

/** `{kind, id}` from an `@id` URI such as `https://io-test.uitdatabank.be/events/5a09...` (trailing slash allowed). */
export function parseUitdatabankUri(uri: string): { kind: UitdatabankKind; id: string } | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  const id = segments.at(-1);
  const kind = KINDS[segments.at(-2)?.toLowerCase() ?? ''];
  if (!kind || !isUitdatabankId(id)) return null;
  return { kind, id };
}

/** The bare id of an `@id` URI, or null when it is not one (or not of `kind`, when given). */
export function idFromUri(uri: string, kind?: UitdatabankKind): string | null {
  const parsed = parseUitdatabankUri(uri);
  if (!parsed || (kind && parsed.kind !== kind)) return null;
  return parsed.id;
}

/** `{entryBaseUrl}/places/{id}` etc.: the URI form Entry expects in write bodies. */
export function uitdatabankUri(entryBaseUrl: string, kind: UitdatabankKind, id: string): string {
  if (!isUitdatabankId(id)) throw new RangeError(`not a UiTdatabank ${kind} id`);
  return `${entryBaseUrl.replace(/\/+$/, '')}/${kind}s/${id}`;
}

/** UiTdatabank ids are UUIDs (or legacy hex ids), written in either case. */
export const sameUitdatabankId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The bare id of a JSON-LD item's organizer (`organizer['@id']`); null when it has none, or a dummy without `@id`. */
export function organizerIdOf(item: {
  organizer?: { '@id'?: string | undefined } | undefined;
}): string | null {
  const uri = item.organizer?.['@id'];
  return uri ? idFromUri(uri, 'organizer') : null;
}
