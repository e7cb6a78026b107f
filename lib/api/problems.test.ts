/**
 * The problem catalogue against the code: every slug lib/ can answer is catalogued, with the status and title the
 * code gives it, and nothing else is. Literal slugs are read from the source (every `new AppError(…)` and the helpers
 * that take a slug); the rest are produced by calling the code that makes them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { problemBody, problemResponse } from '../adapters/http/problem.js';
import {
  AppError,
  PUBLIQ_PROBLEM,
  UpstreamProblem,
  type UpstreamService,
  UpstreamUnavailable,
} from '../domain/errors.js';
import { type EntityKind, invalidReference, notFound } from '../domain/mappings.js';
import { registrationUnavailable } from '../domain/ticket-sales/problems.js';
import { CALL_MEANINGS, MEANINGS, problemFromUpstream, unavailableError } from '../domain/upstream-errors.js';
import { PROBLEMS, type ProblemSlug, problemSchema, problemTypeUri, UPSTREAM_PROBLEMS } from './problems.js';

const LIB = fileURLToPath(new URL('..', import.meta.url));

/** lib/'s TypeScript, tests left out, keyed by the path under lib/ (`domain/pass.ts`). */
function libSources(): Map<string, string> {
  const files = readdirSync(LIB, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !/\.test\.ts$/.test(file))
    .sort();
  return new Map(files.map((file) => [file.split(sep).join('/'), readFileSync(join(LIB, file), 'utf8')]));
}

// --- a small reader of call arguments: enough TypeScript to skip strings, templates, comments and brackets ------

function skipString(source: string, start: number): number {
  const quote = source[start];
  let i = start + 1;
  while (i < source.length) {
    const c = source[i];
    if (c === '\\') i += 2;
    else if (c === quote) return i + 1;
    else if (quote === '`' && c === '$' && source[i + 1] === '{') i = scanCode(source, i + 2, '}') + 1;
    else i++;
  }
  throw new Error(`Unterminated string at ${start}`);
}

/** The index of the `close` that ends the code starting at `start`; `onComma` hears of each comma at its top level. */
function scanCode(source: string, start: number, close: string, onComma?: (at: number) => void): number {
  let depth = 0;
  let i = start;
  while (i < source.length) {
    const c = source[i] ?? '';
    if (c === "'" || c === '"' || c === '`') {
      i = skipString(source, i);
      continue;
    }
    if (c === '/' && source[i + 1] === '/') {
      i = source.indexOf('\n', i);
      if (i === -1) break;
      continue;
    }
    if (c === '/' && source[i + 1] === '*') {
      i = source.indexOf('*/', i) + 2;
      continue;
    }
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) {
      if (depth === 0) {
        if (c === close) return i;
        throw new Error(`Unbalanced ${c} at ${i}`);
      }
      depth--;
    } else if (c === ',' && depth === 0) onComma?.(i);
    i++;
  }
  throw new Error(`No ${close} after ${start}`);
}

/** The arguments of the call whose `(` is at `open`, as source text. */
function callArguments(source: string, open: number): string[] {
  const commas: number[] = [];
  const end = scanCode(source, open + 1, ')', (at) => commas.push(at));
  const bounds = [open, ...commas, end];
  return bounds
    .slice(1)
    .map((to, index) => source.slice((bounds[index] ?? open) + 1, to).trim())
    .filter((text) => text !== '');
}

/** The strings a slug or title argument can be: a literal, or a ternary of two; undefined for anything else. */
function literals(argument: string | undefined): string[] | undefined {
  if (argument === undefined) return undefined;
  const literal = /^(['"])((?:(?!\1)[^\\])*)\1$|^`([^`$\\]*)`$/s.exec(argument);
  if (literal) return [literal[2] ?? literal[3] ?? ''];
  const ternary = /^[^'"`?]+\?\s*'([^'\\]*)'\s*:\s*'([^'\\]*)'$/s.exec(argument);
  if (ternary) return [ternary[1] ?? '', ternary[2] ?? ''];
  return undefined;
}

interface Call {
  file: string;
  /** The arguments as source text. */
  args: string[];
}

/** Every call of `callee` (a regex source ending just before the `(`), declarations left out. */
function calls(sources: Map<string, string>, callee: string): Call[] {
  const found: Call[] = [];
  for (const [file, source] of sources) {
    for (const match of source.matchAll(new RegExp(`(?<!function\\s+)${callee}\\(`, 'g'))) {
      found.push({ file, args: callArguments(source, (match.index ?? 0) + match[0].length - 1) });
    }
  }
  return found;
}

/** Where a slug was found, with the status and title the code answers it with where the scan can read them. */
interface Occurrence {
  slug: string;
  status?: number;
  title?: string;
  where: string;
}

/**
 * The `new AppError(…)` calls whose slug is not written out, each with how the slugs it can take are found. A new
 * one fails the scan until it is added here, with the reading that finds its slugs.
 */
const DYNAMIC_SLUGS: Record<string, string> = {
  'domain/mappings.ts: `${kind}-not-found`': 'notFound() for every EntityKind',
  'domain/mappings.ts: slug': 'the calls of invalidReference()',
  'domain/tariffs.ts: slug': 'the calls of refuse() in domain/tariffs.ts',
  'domain/ticket-sales/problems.ts: error.slug': 'forLine() copies the slug of another AppError',
  'domain/upstream-errors.ts: meaning.slug':
    'the slugs of the meaning tables, and problemFromUpstream() itself',
  'domain/upstream-errors.ts: `${name.toLowerCase()}-unavailable`': 'unavailableError() for every service',
};

interface Scan {
  occurrences: Occurrence[];
  /** AppError calls whose slug the scan cannot read, keyed as in DYNAMIC_SLUGS, with their status argument. */
  dynamic: Map<string, string | undefined>;
}

function pair(slugs: string[], titles: string[] | undefined, status: number | undefined, where: string) {
  return slugs.map((slug, index): Occurrence => {
    const title =
      titles?.length === slugs.length ? titles[index] : titles?.length === 1 ? titles[0] : undefined;
    return {
      slug,
      where,
      ...(status === undefined ? {} : { status }),
      ...(title === undefined ? {} : { title }),
    };
  });
}

/** The slugs written in the source: AppError's first argument and the slug-taking helpers'. */
function scanSources(sources: Map<string, string>): Scan {
  const occurrences: Occurrence[] = [];
  const dynamic = new Map<string, string | undefined>();
  for (const { file, args } of calls(sources, 'new AppError')) {
    const [slug = '', status, title] = args;
    const slugs = literals(slug);
    const code = /^\d{3}$/.test(status ?? '') ? Number(status) : undefined;
    if (slugs) occurrences.push(...pair(slugs, literals(title), code, file));
    else dynamic.set(`${file}: ${slug}`, status);
  }
  const helpers: ReadonlyArray<{ callee: string; file?: string; dynamicKey: string }> = [
    { callee: '\\binvalidReference', dynamicKey: 'domain/mappings.ts: slug' },
    { callee: '\\brefuse', file: 'domain/tariffs.ts', dynamicKey: 'domain/tariffs.ts: slug' },
  ];
  for (const helper of helpers) {
    const status = Number(dynamic.get(helper.dynamicKey));
    const scope = helper.file ? new Map([[helper.file, sources.get(helper.file) ?? '']]) : sources;
    for (const { file, args } of calls(scope, helper.callee)) {
      const slugs = literals(args[0]);
      if (!slugs) throw new Error(`${file}: ${helper.callee}(${args[0]}, …) has a slug the scan cannot read`);
      occurrences.push(...pair(slugs, literals(args[1]), Number.isNaN(status) ? undefined : status, file));
    }
  }
  // The meaning tables: every `slug:` of upstream-errors.ts, with the status and title beside it.
  const upstream = sources.get('domain/upstream-errors.ts') ?? '';
  const members = [...upstream.matchAll(/\bslug:\s*'([^']+)',\s*status:\s*(\d{3}),\s*title:\s*'([^']+)'/g)];
  for (const match of members) {
    occurrences.push({
      slug: match[1] ?? '',
      status: Number(match[2]),
      title: match[3] ?? '',
      where: 'domain/upstream-errors.ts',
    });
  }
  const written = [...upstream.matchAll(/\bslug:\s*'/g)].length;
  if (written !== members.length) {
    throw new Error(
      `domain/upstream-errors.ts has ${written} slug members but the scan read ${members.length}: write each as slug: '…', status: …, title: '…'`,
    );
  }
  return { occurrences, dynamic };
}

// --- the slugs the code makes at run time ---------------------------------------------------------------------------

/** Every service: the type checker fails here when one is added or removed. */
const SERVICES = {
  uitpas: true,
  uitid: true,
  'uitdatabank-entry': true,
  'uitdatabank-search': true,
} as const satisfies Record<UpstreamService, true>;

const ENTITY_KINDS = { event: true, organisation: true, promotor: true } as const satisfies Record<
  EntityKind,
  true
>;

/** Calls that decide a meaning (auth/forbidden goes by the endpoint), and none known. */
const ENDPOINTS = [
  undefined,
  'GET /passes',
  'GET /passes/{identifier}',
  'GET /tariffs',
  'GET /tariffs/static',
  'POST /ticket-sales',
  'DELETE /ticket-sales/123',
  'GET /ticket-sales',
  'GET /organizers',
  'GET /permissions',
  'PUT /events/123',
];

/** A type of each family without a meaning of its own, and types outside publiq's prefix. */
const UNMAPPED_TYPES = [
  `${PUBLIQ_PROBLEM}auth/something-new`,
  `${PUBLIQ_PROBLEM}body/something-new`,
  `${PUBLIQ_PROBLEM}url/something-new`,
  `${PUBLIQ_PROBLEM}header/something-new`,
  `${PUBLIQ_PROBLEM}method/something-new`,
  `${PUBLIQ_PROBLEM}uitpas/something-new`,
  `${PUBLIQ_PROBLEM}uitdatabank/something-new`,
  `${PUBLIQ_PROBLEM}something-new`,
  'about:blank',
  'https://example.org/problems/something-new',
];

const publiqTypes = (keep: (shortType: string) => boolean = () => true) => [
  ...[...Object.keys(MEANINGS), ...Object.keys(CALL_MEANINGS), 'uitpas/invalid-uitpasnumber']
    .filter(keep)
    .map((type) => PUBLIQ_PROBLEM + type),
  ...UNMAPPED_TYPES.filter((type) =>
    keep(type.startsWith(PUBLIQ_PROBLEM) ? type.slice(PUBLIQ_PROBLEM.length) : type),
  ),
];

const asOccurrence = (error: AppError, where: string): Occurrence => ({
  slug: error.slug,
  status: error.status,
  title: error.title,
  where,
});

/** What publiq's problems and unavailability become for these services and types. */
function upstreamOccurrences(services: readonly UpstreamService[], types: readonly string[]): Occurrence[] {
  const found: Occurrence[] = [];
  for (const service of services) {
    for (const type of types) {
      for (const endpoint of ENDPOINTS) {
        const problem = new UpstreamProblem(service, {
          type,
          status: 400,
          ...(endpoint ? { endpoint } : {}),
        });
        found.push(asOccurrence(problemFromUpstream(problem), `problemFromUpstream(${service}, ${type})`));
      }
    }
    for (const mayHaveApplied of [false, true]) {
      const error = unavailableError(new UpstreamUnavailable(service, 'timeout', mayHaveApplied));
      found.push(asOccurrence(error, `unavailableError(${service})`));
    }
  }
  return found;
}

function runtimeOccurrences(): Occurrence[] {
  const unexpected = JSON.parse(problemResponse(new Error('boom')).body) as { type: string; status: number };
  return [
    ...Object.keys(ENTITY_KINDS).map((kind) =>
      asOccurrence(notFound(kind as EntityKind, 'x'), `notFound(${kind})`),
    ),
    ...upstreamOccurrences(Object.keys(SERVICES) as UpstreamService[], publiqTypes()),
    {
      slug: unexpected.type,
      status: unexpected.status,
      title: 'Internal Server Error',
      where: 'problemResponse',
    },
  ];
}

/** Slugs found but not catalogued, and catalogued but not found. */
function compare(found: Iterable<string>, catalogue: Iterable<string>) {
  const have = new Set(catalogue);
  const want = new Set(found);
  return {
    missing: [...want].filter((slug) => !have.has(slug)).sort(),
    extra: [...have].filter((slug) => !want.has(slug)).sort(),
  };
}

const statuses = (slug: string): readonly number[] => {
  const status = (PROBLEMS as Record<string, { status: number | readonly number[] }>)[slug]?.status;
  return status === undefined ? [] : typeof status === 'number' ? [status] : status;
};

// --- the tests ----------------------------------------------------------------------------------------------------

const sources = libSources();
const scan = scanSources(sources);
const occurrences = [...scan.occurrences, ...runtimeOccurrences()];
const slugsFound = (list: readonly Occurrence[]) => new Set(list.map((occurrence) => occurrence.slug));

describe('the scan of lib/', () => {
  it('reads literal, ternary, helper and table slugs, and the ones made at run time', () => {
    const found = slugsFound(occurrences);
    for (const slug of [
      'route-not-found', // new AppError in lib/adapters/http/handler.ts
      'card-systems-not-permitted', // new AppError( on a line of its own
      'standard-ticket-type-ambiguous', // a ternary passed to refuse()
      'uitdatabank-id-from-sync', // invalidReference()
      'pass-not-usable', // a constant spread into the meaning table
      'uitpas-refused', // a family meaning
      'promotor-not-found', // `${kind}-not-found`
      'uitdatabank-unavailable', // `${name}-unavailable`
      'about:blank',
    ]) {
      expect(found, slug).toContain(slug);
    }
    expect(slugsFound(scan.occurrences)).toContain('invalid-cursor');
    expect(sources.has('api/problems.test.ts')).toBe(false);
  });

  it('reads a slug, status and title out of a call that nests strings and templates', () => {
    const source = `throw new AppError('made-up', 418, "I'm a teapot", { detail: \`a \${b ? \`c, (\` : 'd)'}\` });
      throw new AppError(someSlug(), 400, 'Dynamic');`;
    const read = scanSources(new Map([['x.ts', source]]));
    expect(read.occurrences).toEqual([
      { slug: 'made-up', status: 418, title: "I'm a teapot", where: 'x.ts' },
    ]);
    expect([...read.dynamic.keys()]).toEqual(['x.ts: someSlug()']);
  });

  it('knows how every AppError with a computed slug gets its slugs', () => {
    const unknown = [...scan.dynamic.keys()].filter((key) => !(key in DYNAMIC_SLUGS));
    expect(unknown, 'add them to DYNAMIC_SLUGS with the reading that finds their slugs').toEqual([]);
    expect(Object.keys(DYNAMIC_SLUGS).filter((key) => !scan.dynamic.has(key))).toEqual([]);
  });

  it('tells a slug that is not catalogued, and one that the code no longer answers', () => {
    expect(compare(['pass-not-found', 'made-up'], ['pass-not-found', 'gone'])).toEqual({
      missing: ['made-up'],
      extra: ['gone'],
    });
  });
});

describe('PROBLEMS', () => {
  it('lists exactly the slugs the code can answer', () => {
    expect(compare(slugsFound(occurrences), Object.keys(PROBLEMS))).toEqual({ missing: [], extra: [] });
  });

  it('gives each slug the status the code answers it with', () => {
    const wrong = occurrences
      .filter(
        (occurrence) =>
          occurrence.status !== undefined && !statuses(occurrence.slug).includes(occurrence.status),
      )
      .map((occurrence) => `${occurrence.slug} ${occurrence.status} (${occurrence.where})`);
    expect([...new Set(wrong)]).toEqual([]);
  });

  it('gives each slug a title the code uses for it', () => {
    const titles = new Map<string, Set<string>>();
    for (const { slug, title } of occurrences) {
      if (title !== undefined) titles.set(slug, (titles.get(slug) ?? new Set()).add(title));
    }
    const wrong = Object.entries(PROBLEMS)
      .filter(([slug, info]) => titles.has(slug) && !titles.get(slug)?.has(info.title))
      .map(
        ([slug, info]) => `${slug}: "${info.title}" is none of ${[...(titles.get(slug) ?? [])].join(' | ')}`,
      );
    expect(wrong).toEqual([]);
  });

  it('answers only 4xx and 5xx, each explained', () => {
    for (const [slug, info] of Object.entries(PROBLEMS)) {
      for (const status of statuses(slug)) {
        expect(status, slug).toBeGreaterThanOrEqual(400);
        expect(status, slug).toBeLessThan(600);
      }
      expect(info.title.length, slug).toBeGreaterThan(0);
      expect(info.explanation.length, slug).toBeGreaterThan(20);
    }
  });

  it('has type URIs as the answers carry them', () => {
    expect(problemTypeUri('pass-not-found')).toBe('urn:uitpas-ticketing:problem:pass-not-found');
    expect(problemTypeUri('about:blank')).toBe('about:blank');
    const error = new AppError('order-not-found', 404, 'Unknown order');
    expect(problemTypeUri(error.slug as ProblemSlug)).toBe(error.type);
  });
});

describe('UPSTREAM_PROBLEMS', () => {
  it('lists what a UiTPAS call (with its token) can answer', () => {
    const found = slugsFound(upstreamOccurrences(['uitpas', 'uitid'], publiqTypes()));
    expect(compare(found, UPSTREAM_PROBLEMS.uitpas)).toEqual({ missing: [], extra: [] });
  });

  it('lists what a UiTdatabank call (with the UiTPAS token Entry shares) can answer', () => {
    const notUitpas = (type: string) => !type.startsWith('uitpas/');
    const found = slugsFound(
      upstreamOccurrences(['uitdatabank-entry', 'uitdatabank-search', 'uitid'], publiqTypes(notUitpas)),
    );
    expect(compare(found, UPSTREAM_PROBLEMS.uitdatabank)).toEqual({ missing: [], extra: [] });
  });
});

describe('problemSchema', () => {
  const correlationId = 'corr-1234';

  it('parses the bodies problemBody writes', () => {
    const bodies = [
      problemBody(
        new AppError('invalid-request', 400, 'The request is invalid', {
          detail: 'Fix the body: /lines/0/quantity must be at least 1.',
          endUserMessage: { nl: 'Ongeldig.', en: 'Invalid.' },
          extensions: { invalidParams: [{ pointer: '/lines/0/quantity', detail: 'must be at least 1' }] },
        }),
        correlationId,
      ),
      problemBody(registrationUnavailable('unknown', 'client/order-1', undefined, 7), correlationId),
      problemBody(
        problemFromUpstream(
          new UpstreamProblem('uitpas', {
            type: `${PUBLIQ_PROBLEM}body/invalid-data`,
            status: 400,
            endpoint: 'POST /ticket-sales',
            schemaErrors: [{ jsonPointer: '/0/tariff/id', error: 'unknown' }],
          }),
        ),
      ),
      problemBody(
        invalidReference('unknown-promotor', 'Unknown promotor', '/promotorId', 'There is no promotor p1.'),
      ),
      JSON.parse(problemResponse(new Error('boom'), correlationId).body),
    ];
    for (const body of bodies) expect(problemSchema.parse(body)).toEqual(body);
    expect(bodies[1]).toMatchObject({ outcome: 'unknown', orderId: 'order-1' });
  });

  it('keeps extension members it does not list', () => {
    const body = problemBody(
      new AppError('order-not-held', 409, 'The order cannot be confirmed', {
        extensions: { orderStatus: 'CANCELLED', somethingNew: { a: 1 } },
      }),
    );
    expect(problemSchema.parse(body)).toMatchObject({ somethingNew: { a: 1 } });
  });

  it('refuses a body without a type, or with a listed member of the wrong shape', () => {
    const { type: _type, ...withoutType } = problemBody(
      new AppError('order-not-found', 404, 'Unknown order'),
    );
    expect(problemSchema.safeParse(withoutType).success).toBe(false);
    const body = problemBody(new AppError('order-not-found', 404, 'Unknown order'));
    expect(problemSchema.safeParse({ ...body, invalidParams: 'query.lineId' }).success).toBe(false);
    expect(problemSchema.safeParse({ ...body, endUserMessage: { en: 'no Dutch' } }).success).toBe(false);
  });
});
