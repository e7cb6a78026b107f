/**
 * Malformed input for the HTTP routes, as tables: what a case sends, the bad values of each kind of field, the
 * bodies, queries, headers and callers that are wrong in general, and the check every answer must pass. Used by
 * functions/malformed-input.int.test.ts.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DEFAULT_MAX_BODY_BYTES } from '../lib/adapters/http/handler.js';
import { PROBLEM_CONTENT_TYPE } from '../lib/adapters/http/problem.js';
import type { Principal } from '../lib/domain/access.js';
import { MAX_PRICE } from '../lib/domain/mappings.js';

/**
 * How a case may be answered: `refused` only with a 4xx problem; `handled` with a 4xx problem or a 2xx, for input
 * that is well-formed but unknown, or that the route ignores. Never with a 5xx.
 */
export type Expect = 'refused' | 'handled';

export interface Case {
  name: string;
  expect: Expect;
  /** A JSON value, `raw(text)` for a body sent as it is, or `NO_BODY`; absent: the route's valid body, if any. */
  body?: unknown;
  /** Merged over the route's own; a key set to undefined is left out. */
  query?: Record<string, string | readonly string[] | undefined>;
  path?: Record<string, string>;
  headers?: Record<string, string>;
  /** Replaces the route's caller; `null`: no caller at all. */
  principal?: Principal | null;
  /** The field a 400 must name in its `invalidParams`, when it lists any. */
  pointer?: string;
  /** What an ApiEventInput cannot say: a base64 body, a missing header, a broken authorizer context. */
  patch?: (event: APIGatewayProxyEventV2) => void;
}

/** A body sent exactly as written. */
export class Raw {
  constructor(readonly text: string) {}
}
export const raw = (text: string) => new Raw(text);
export const NO_BODY = Symbol('no body');

/** A JSON fragment put into a value as it is written, for what JSON.stringify cannot write (`1e309`). */
class Literal {
  constructor(readonly text: string) {}
}
const literal = (text: string) => new Literal(text);

/** The body text of a case value: JSON, with literals put in place. */
export function bodyText(value: unknown): string {
  if (value instanceof Raw) return value.text;
  const literals: string[] = [];
  const text = JSON.stringify(value, (_key, inner: unknown) => {
    if (!(inner instanceof Literal)) return inner;
    literals.push(inner.text);
    return `@@literal:${literals.length - 1}@@`;
  });
  return text.replace(/"@@literal:(\d+)@@"/g, (_match, index: string) => literals[Number(index)] ?? '');
}

/** Arrays in arrays, as JSON text: deeper than JSON.stringify with a replacer can write. */
const nested = (depth: number) => literal(`${'['.repeat(depth)}"x"${']'.repeat(depth)}`);

type Values = readonly (readonly [string, unknown])[];

const NOT_A_STRING: Values = [
  ['a number', 42],
  ['a boolean', true],
  ['an object', {}],
  ['an array', ['a']],
  ['a deeply nested array', nested(500)],
];

/** Control characters and bidi tricks: refused in every free-text field and every id. */
const CONTROL: Values = [
  ['NUL', 'a\u0000b'],
  ['ESC sequence', 'a\u001b[2Jb'],
  ['BEL', 'a\u0007b'],
  ['DEL', 'a\u007fb'],
  ['C1 control (NEL)', 'a\u0085b'],
  ['tab', 'a\tb'],
  ['carriage return', 'a\rb'],
  ['RTL override', 'abc\u202Egpj.exe'],
  ['bidi isolate', '\u2067abc\u2069'],
];
const LINE_FEED: Values = [['line feed', 'a\nb']];

const STRING: Values = [
  ...NOT_A_STRING,
  ['an empty string', ''],
  ['10k characters', 'a'.repeat(10_000)],
  ...CONTROL,
];

const UITPAS_NUMBER: Values = [
  ...STRING,
  ...LINE_FEED,
  ['12 digits', '090000006751'],
  ['14 digits', '09000000675130'],
  ['letters', '09000000675AB'],
  ['full-width digits', '０９０００００００６７５１３'],
  ['Arabic-Indic digits', '٠٩٠٠٠٠٠٠٦٧٥١٣'],
  ['an INSZ', '85073003328'],
  ['an INSZ with separators', '85.07.30-033.28'],
  ['a chip number', '04A1B2C3D4E5F6'],
  ['a zero-width space', '0900000\u200b067513'],
  ['a plus sign', '+0900000067513'],
  ['separators only', '..--..'],
];

/** Ticketing ids (orders, lines, events, organisations, promotors, ticket types): `[A-Za-z0-9._:-]{1,100}`. */
const ID: Values = [
  ...STRING,
  ...LINE_FEED,
  ['101 characters', 'a'.repeat(101)],
  ['a zero-width space', 'a\u200bb'],
  ['a space', 'a b'],
  ['a slash', 'a/b'],
  ['a percent-encoded slash', 'a%2Fb'],
  ['a non-ASCII letter', 'café'],
  ['an emoji', '🎫'],
  ['a key prefix', 'EVENT#demo-festival'],
  ['a quote', "a'b"],
  ['surrounding spaces', ' a '],
];

const UITDATABANK_ID: Values = [
  ...STRING,
  ...LINE_FEED,
  ['an underscore', 'abc_def'],
  ['a leading hyphen', '-abc'],
  ['65 characters', 'a'.repeat(65)],
  ['a URL', 'https://io.uitdatabank.be/events/5a0967f9-cc06-4c3c-9206-30481a767434'],
  ['a slash', 'a/b'],
  ['a zero-width space', 'a\u200bb'],
];

const TERM_ID: Values = [
  ...STRING,
  ...LINE_FEED,
  ['a space', '0.50 4.0.0'],
  ['101 characters', '0'.repeat(101)],
  ['a slash', '0.50/4'],
];

const TEXT: Values = [
  ...STRING,
  ['whitespace only', '   '],
  ['no-break spaces only', '\u00a0\u3000'],
  ['a lone surrogate', 'a\ud800b'],
  ['only a zero-width space', '\u200b'],
];

const PRICE: Values = [
  ['negative', -1],
  ['a negative cent', -0.01],
  ['three decimals', 10.001],
  ['a float error (0.1 + 0.2)', 0.1 + 0.2],
  ['Infinity (1e309)', literal('1e309')],
  ['huge (1e20)', 1e20],
  ['above the maximum', MAX_PRICE + 1],
  ['a string', '10'],
  ['the string NaN', 'NaN'],
  ['a boolean', true],
  ['an object', {}],
  ['an array', [10]],
];

const QUANTITY: Values = [
  ['zero', 0],
  ['negative', -1],
  ['a fraction', 1.5],
  ['51', 51],
  ['huge (1e9)', 1e9],
  ['Infinity (1e309)', literal('1e309')],
  ['a string', '1'],
  ['a boolean', true],
];

const DATE_TIME: Values = [
  ...NOT_A_STRING,
  ['an empty string', ''],
  ['no offset', '2027-09-01T20:00:00'],
  ['a date only', '2027-09-01'],
  ['words', 'tomorrow'],
  ['month 13', '2027-13-01T20:00:00+01:00'],
  ['February 30', '2027-02-30T20:00:00+01:00'],
  ['February 29 of a common year', '2027-02-29T20:00:00+01:00'],
  ['hour 25', '2027-09-01T25:00:00+01:00'],
  ['offset +25:00', '2027-09-01T20:00:00+25:00'],
  ['epoch milliseconds', 1_819_000_000_000],
  ['NUL', '2027-09-01T20:00:00+01:00\u0000'],
];

const BOOLEAN: Values = [
  ['a string', 'true'],
  ['a number', 1],
  ['an object', {}],
];

const VERSION: Values = [
  ['zero', 0],
  ['negative', -1],
  ['a fraction', 1.5],
  ['a string', '1'],
  ['an object', {}],
  ['a version nobody read (999)', 999],
];

export const FIELD_VALUES = {
  id: ID,
  text: [...TEXT, ...LINE_FEED],
  /** Free text where line feeds are allowed (hints). */
  multiline: TEXT,
  uitpasNumber: UITPAS_NUMBER,
  /** A tariff id: any text of 1-100 characters without control characters. */
  tariffId: [...STRING, ...LINE_FEED, ['101 characters', 'a'.repeat(101)]],
  price: PRICE,
  quantity: QUANTITY,
  dateTime: DATE_TIME,
  uitdatabankId: UITDATABANK_ID,
  termId: TERM_ID,
  boolean: BOOLEAN,
  version: VERSION,
} satisfies Record<string, Values>;

export interface Field {
  /** Where the field is in the valid body, e.g. `['lines', 0, 'tariffId']`. */
  at: readonly (string | number)[];
  kind: keyof typeof FIELD_VALUES;
  /** Missing, it is refused. */
  required?: boolean;
  /** Null is a valid value: not a case. */
  nullable?: boolean;
  /** Further values for this field alone. */
  more?: Values;
}

const pointer = (at: readonly (string | number)[]) => `/${at.join('/')}`;

function withValue(body: unknown, at: readonly (string | number)[], value: unknown, remove = false): unknown {
  const [head, ...rest] = at;
  if (head === undefined) return value;
  const copy = (Array.isArray(body) ? [...body] : { ...(body as object) }) as Record<
    string | number,
    unknown
  >;
  if (rest.length === 0 && remove) delete copy[head];
  else copy[head] = withValue(copy[head], rest, value, remove);
  return copy;
}

/** Every bad value of every field, each in an otherwise valid body. */
export function fieldCases(valid: unknown, fields: readonly Field[]): Case[] {
  return fields.flatMap((field) => {
    const values: Values = [
      ...FIELD_VALUES[field.kind],
      ...(field.nullable ? [] : ([['null', null]] as const)),
      ...(field.more ?? []),
    ];
    const where = pointer(field.at);
    const cases: Case[] = values.map(([name, value]) => ({
      name: `${where}: ${name}`,
      expect: 'refused',
      body: withValue(valid, field.at, value),
      pointer: where,
    }));
    if (field.required)
      cases.push({
        name: `${where}: missing`,
        expect: 'refused',
        body: withValue(valid, field.at, null, true),
        pointer: where,
      });
    return cases;
  });
}

/** What no JSON body route may take, whatever it expects: syntax, shape, size, media type, encoding, keys. */
export function bodyCases(valid: Record<string, unknown>): Case[] {
  const text = JSON.stringify(valid);
  const [firstKey = 'x'] = Object.keys(valid);
  const { [firstKey]: firstValue, ...withoutFirst } = valid;
  const refused = (name: string, body: unknown, more: Partial<Case> = {}): Case => ({
    name,
    expect: 'refused',
    body,
    ...more,
  });
  const pad = (filler: string, bytes: number) =>
    raw(`{"padding":"${filler.repeat(Math.ceil(bytes / Buffer.byteLength(filler)))}",${text.slice(1)}`);
  return [
    refused('invalid JSON: unclosed', raw(text.slice(0, -1))),
    refused('invalid JSON: trailing comma', raw(`${text.slice(0, -1)},}`)),
    refused('invalid JSON: single quotes', raw(text.replaceAll('"', "'"))),
    refused('invalid JSON: NaN', raw(`{"${firstKey}":NaN}`)),
    refused('invalid JSON: two documents', raw(`${text}${text}`)),
    refused('invalid JSON: byte-order mark', raw(`\ufeff${text}`)),
    refused('whitespace only', raw('  \n ')),
    refused('an empty body', raw('')),
    refused('no body', NO_BODY),
    refused('a JSON array', []),
    refused('the valid body in an array', [valid]),
    refused('a JSON string', raw('"x"')),
    refused('a JSON number', raw('42')),
    refused('JSON null', raw('null')),
    refused('JSON true', raw('true')),
    refused('an empty object', {}),
    refused('an unknown field', { ...valid, unexpected: 1 }),
    refused(`a field in another case (${firstKey.toUpperCase()})`, {
      ...withoutFirst,
      [firstKey.toUpperCase()]: firstValue,
    }),
    refused('thousands of unknown keys', {
      ...valid,
      ...Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, i])),
    }),
    refused('a duplicate key, the last one invalid', raw(`{${text.slice(1, -1)},"${firstKey}":{"$gt":""}}`)),
    refused('a __proto__ key', raw(`{"__proto__":{"polluted":"yes"},${text.slice(1)}`)),
    refused(
      'a constructor.prototype key',
      raw(`{"constructor":{"prototype":{"polluted":"yes"}},${text.slice(1)}`),
    ),
    refused('deeply nested JSON (30,000 levels)', raw(`${'['.repeat(30_000)}${']'.repeat(30_000)}`)),
    refused(`deeply nested JSON in ${firstKey}`, { ...valid, [firstKey]: nested(5_000) }),
    refused('a body over 64 KiB', pad('a', DEFAULT_MAX_BODY_BYTES)),
    refused('a body over 64 KiB in bytes, not in characters', pad('é', DEFAULT_MAX_BODY_BYTES)),
    refused('Content-Type text/plain', valid, { headers: { 'content-type': 'text/plain' } }),
    refused('Content-Type form-encoded', raw(`${firstKey}=x`), {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }),
    refused('Content-Type multipart', valid, {
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
    }),
    refused('Content-Type application/jsonp', valid, { headers: { 'content-type': 'application/jsonp' } }),
    refused('no Content-Type', valid, {
      patch: (event) => {
        delete event.headers['content-type'];
      },
    }),
    refused('a base64 body of invalid JSON', raw(Buffer.from(text.slice(1)).toString('base64')), {
      patch: (event) => {
        event.isBase64Encoded = true;
      },
    }),
    refused('a base64 flag on a plain body', valid, {
      patch: (event) => {
        event.isBase64Encoded = true;
      },
    }),
  ];
}

/** What a route that reads no body refuses: any body at all, however it is sent. */
export function noBodyCases(bodyTheCallerMeant: Record<string, unknown>): Case[] {
  const refused = (name: string, body: unknown, more: Partial<Case> = {}): Case => ({
    name,
    expect: 'refused',
    body,
    ...more,
  });
  return [
    refused('a JSON body', bodyTheCallerMeant),
    refused('an empty JSON object', {}),
    refused('a JSON array', []),
    refused('JSON null', raw('null')),
    refused('a JSON string', raw('"x"')),
    refused('invalid JSON', raw('{')),
    refused('whitespace', raw(' ')),
    refused('a __proto__ body', raw('{"__proto__":{"polluted":"yes"}}')),
    refused('a text/plain body', raw('hello'), { headers: { 'content-type': 'text/plain' } }),
    refused('a form body', raw('a=b'), { headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    refused('a body over 64 KiB', raw(`"${'a'.repeat(DEFAULT_MAX_BODY_BYTES)}"`)),
    refused('a base64 body', raw(Buffer.from('{}').toString('base64')), {
      patch: (event) => {
        event.isBase64Encoded = true;
      },
    }),
    // API Gateway sends no body as an absent one; an empty string is the same.
    { name: 'an empty string body', expect: 'handled', body: raw('') },
  ];
}

/** A path parameter that is not a ticketing id, and ids that are well-formed but name nothing. */
export function pathCases(param: string): Case[] {
  const refused: Values = [
    ['a slash', 'a/b'],
    ['a percent-encoded slash', 'a%2Fb'],
    ['dot dot slash', '../demo-org'],
    ['a backslash', 'a\\b'],
    ['101 characters', 'a'.repeat(101)],
    ['10k characters', 'a'.repeat(10_000)],
    ['NUL', 'a\u0000b'],
    ['ESC', 'a\u001bb'],
    ['a line feed', 'a\nb'],
    ['an RTL override', 'a\u202eb'],
    ['a zero-width space', 'a\u200bb'],
    ['a space', 'a b'],
    ['a non-ASCII letter', 'café'],
    ['a key prefix', 'ORDER#x'],
    ['a query string', 'a?b=c'],
    ['a fragment', 'a#b'],
    ['a quote', "a'--"],
  ];
  const handled: Values = [
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['hasOwnProperty', 'hasOwnProperty'],
    ['dots only', '..'],
    ['100 characters', 'a'.repeat(100)],
  ];
  return [
    ...refused.map(
      ([name, value]): Case => ({
        name: `{${param}}: ${name}`,
        expect: 'refused',
        path: { [param]: value as string },
        pointer: `path.${param}`,
      }),
    ),
    ...handled.map(
      ([name, value]): Case => ({
        name: `{${param}}: ${name}`,
        expect: 'handled',
        path: { [param]: value as string },
      }),
    ),
  ];
}

/** Query parameters a route does not read, which it ignores. */
export function ignoredQueryCases(): Case[] {
  const handled: [string, Record<string, string | string[]>][] = [
    ['an unknown query parameter', { unexpected: 'x' }],
    ['limit -1', { limit: '-1' }],
    ['limit 10^9', { limit: '1000000000' }],
    ['a garbage cursor', { cursor: '%%%' }],
    ['a repeated parameter', { unexpected: ['a', 'b'] }],
    ['a __proto__ parameter', { ['__proto__']: 'x' }],
    ['a constructor parameter', { constructor: 'x' }],
    ['a 10k query value', { unexpected: 'a'.repeat(10_000) }],
    ['a query value with control characters', { unexpected: 'a\u0000\u001b\u0007' }],
  ];
  return handled.map(([name, query]) => ({ name: `query: ${name}`, expect: 'handled', query }));
}

/** Headers no route reads, or reads only when they are well-formed. */
export function ignoredHeaderCases(): Case[] {
  const handled: [string, Record<string, string>][] = [
    ['a correlation id with control characters', { 'x-correlation-id': 'abcdefgh\u0007\u001b[2J' }],
    ['a correlation id of 10k characters', { 'x-correlation-id': 'a'.repeat(10_000) }],
    ['Accept text/html', { accept: 'text/html' }],
    ['Content-Type text/plain without a body', { 'content-type': 'text/plain' }],
    ['an x-api-key of garbage', { 'x-api-key': '\u0000'.repeat(10) }],
  ];
  return handled.map(([name, headers]) => ({ name: `header: ${name}`, expect: 'handled', headers }));
}

/** Bad `If-Match` values, on a route that reads it. */
export function ifMatchCases(): Case[] {
  const values: Values = [
    ['letters', 'abc'],
    ['zero', '"0"'],
    ['negative', '"-1"'],
    ['a star', '*'],
    ['two versions', '"1", "2"'],
    ['11 digits', '"12345678901"'],
    ['a weak tag of letters', 'W/"x"'],
    ['a fraction', '"1.5"'],
    ['an empty value', ''],
    ['control characters', '"1"\u0000'],
  ];
  return [
    ...values.map(
      ([name, value]): Case => ({
        name: `If-Match: ${name}`,
        expect: 'refused',
        headers: { 'if-match': value as string },
        pointer: 'header.If-Match',
      }),
    ),
    // Well-formed but stale: a conflict, and nothing written.
    { name: 'If-Match: a version nobody read', expect: 'refused', headers: { 'if-match': '"999"' } },
  ];
}

/** Callers that may not call the route: none, another role, an authorizer context that is not one. */
export function callerCases(otherRole: Principal, expect: Expect = 'refused'): Case[] {
  const context = (event: APIGatewayProxyEventV2) => {
    const request = event.requestContext as unknown as { authorizer?: { lambda: Record<string, unknown> } };
    request.authorizer ??= {
      lambda: { keyId: 'k', clientName: 'c', role: otherRole.role, organisations: '' },
    };
    return request.authorizer;
  };
  return [
    { name: 'caller: none', expect, principal: null },
    { name: `caller: role ${otherRole.role}`, expect, principal: otherRole },
    {
      name: 'caller: an unknown role',
      expect,
      patch: (event) => {
        context(event).lambda.role = 'root';
      },
    },
    {
      name: 'caller: no keyId',
      expect,
      patch: (event) => {
        delete context(event).lambda.keyId;
      },
    },
    {
      name: 'caller: an authorizer context that is a string',
      expect,
      patch: (event) => {
        (context(event) as { lambda: unknown }).lambda = 'admin';
      },
    },
  ];
}

/** Lambda refuses a synchronous answer above 6 MB: API Gateway would turn it into a 5xx. */
const MAX_ANSWER_BYTES = 6 * 1024 * 1024;
const PROBLEM_TYPE = /^urn:uitpas-ticketing:problem:[a-z0-9-]+$/;

/** What is wrong with an answer to `c`, or undefined. */
export function judge(c: Case, response: APIGatewayProxyStructuredResultV2): string | undefined {
  const status = response.statusCode ?? 200;
  const size = Buffer.byteLength(response.body ?? '');
  if (size > MAX_ANSWER_BYTES) return `an answer of ${size} bytes`;
  if (status >= 500) return 'a 5xx';
  if (status < 400) return c.expect === 'handled' ? undefined : 'a success, not a refusal';
  const headers = Object.fromEntries(
    Object.entries(response.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
  );
  if (!headers['content-type']?.startsWith(PROBLEM_CONTENT_TYPE))
    return `Content-Type ${headers['content-type']}`;
  let body: {
    type?: unknown;
    detail?: unknown;
    status?: unknown;
    correlationId?: unknown;
    invalidParams?: { pointer?: string }[];
  };
  try {
    body = JSON.parse(response.body ?? '');
  } catch {
    return 'a body that is not JSON';
  }
  if (typeof body.type !== 'string' || !PROBLEM_TYPE.test(body.type)) return 'no problem type of ours';
  if (typeof body.detail !== 'string' || body.detail.length === 0) return 'no detail';
  if (body.status !== status) return `status ${String(body.status)} in the body`;
  if (typeof body.correlationId !== 'string') return 'no correlationId';
  const named = (body.invalidParams ?? []).map((param) => String(param.pointer));
  const { pointer: wanted } = c;
  if (wanted && named.length > 0 && !named.some((p) => p === wanted || p.startsWith(`${wanted}/`)))
    return `a refusal of ${named.join(', ')}, not of ${wanted}`;
  return undefined;
}
