/**
 * Transport helpers: a tiny router, request/response shapes, JSON body parsing with the publiq `body/*`
 * problems, and zod issue -> `schemaErrors` conversion.
 *
 * Handlers return a `SandboxResponse` value instead of writing to `ServerResponse`, so the dispatcher can
 * apply "after apply" faults (drop the socket or delay the answer after the state already changed).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type * as z from 'zod';
import { fail, type Problem, ProblemTypes, type SchemaError } from './problems.js';

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON body (serialised by the dispatcher). */
  body?: unknown;
  /** Raw text body (e.g. an HTML gateway error page); wins over `body`. */
  text?: string;
}

export interface SandboxRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

export type Handler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

interface Route {
  method: string;
  template: string;
  regex: RegExp;
  paramNames: string[];
  handler: Handler;
}

export type RouteMatch =
  | { kind: 'found'; template: string; handler: Handler; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

export class Router {
  private readonly routes: Route[] = [];

  /** `template` uses `{name}` placeholders, e.g. `/uitpas/ticket-sales/{ticketSaleId}`. */
  add(method: string, template: string, handler: Handler): this {
    const paramNames: string[] = [];
    const pattern = template
      .split('/')
      .map((segment) => {
        const param = /^\{(\w+)\}$/.exec(segment);
        if (!param?.[1]) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
        paramNames.push(param[1]);
        return '([^/]+)';
      })
      .join('/');
    this.routes.push({ method, template, regex: new RegExp(`^${pattern}$`), paramNames, handler });
    return this;
  }

  match(method: string, path: string): RouteMatch {
    const allowed = new Set<string>();
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      if (route.method !== method) {
        allowed.add(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      route.paramNames.forEach((name, i) => {
        params[name] = safeDecode(m[i + 1] ?? '');
      });
      return { kind: 'found', template: route.template, handler: route.handler, params };
    }
    return allowed.size > 0 ? { kind: 'method-not-allowed', allowed: [...allowed] } : { kind: 'not-found' };
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

// --- Responses ------------------------------------------------------------------------------------------

export function json(status: number, body: unknown, headers?: Record<string, string>): SandboxResponse {
  return { status, body, headers };
}

export function noContent(): SandboxResponse {
  return { status: 204 };
}

export function problemResponse(problem: Problem): SandboxResponse {
  const { headers, ...body } = problem;
  return {
    status: problem.status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
    body: Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)),
  };
}

// --- Request bodies -------------------------------------------------------------------------------------

function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^application\/[\w.+-]+\+json$/.test(mediaType);
}

/** Parses a JSON body: 415 when it is not declared as JSON, `body/missing`, `body/invalid-syntax`. */
export function readJson(req: SandboxRequest): unknown {
  if (req.rawBody.length === 0) {
    fail({
      type: ProblemTypes.bodyMissing,
      title: 'Body missing',
      status: 400,
      detail: 'The request body is empty.',
    });
  }
  if (!isJsonContentType(req.headers['content-type'])) {
    fail({
      type: ProblemTypes.unsupportedMediaType,
      title: 'Unsupported media type',
      status: 415,
      detail: `Content-Type "${req.headers['content-type'] ?? ''}" is not supported; use application/json.`,
    });
  }
  try {
    return JSON.parse(req.rawBody.toString('utf8'));
  } catch (error) {
    return fail({
      type: ProblemTypes.bodyInvalidSyntax,
      title: 'Invalid body syntax',
      status: 400,
      detail: `The request body is not valid JSON: ${(error as Error).message}`,
    });
  }
}

// --- zod -> schemaErrors --------------------------------------------------------------------------------

export function jsonPointer(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '/';
  return `/${path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/**
 * Converts zod issues to publiq `schemaErrors`.
 * - `property` style (UiTPAS): a missing property is reported at its own pointer, e.g. `/1/tariff/id`.
 * - `parent` style (UiTdatabank, as in its OAS example): at the parent, "The required properties (name) are
 *   missing.", one entry per parent.
 */
export function schemaErrorsFromZod(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  style: 'property' | 'parent',
): SchemaError[] {
  const errors: SchemaError[] = [];
  const missingByParent = new Map<string, string[]>();
  for (const issue of issues) {
    const path = issue.path;
    const parentPath = path.slice(0, -1);
    const last = path.at(-1);
    const parent = valueAt(input, parentPath);
    const isMissing =
      issue.code !== 'custom' &&
      last !== undefined &&
      parent !== null &&
      typeof parent === 'object' &&
      !(last in parent);
    if (isMissing && style === 'parent') {
      const pointer = jsonPointer(parentPath);
      missingByParent.set(pointer, [...(missingByParent.get(pointer) ?? []), String(last)]);
    } else if (isMissing) {
      errors.push({
        jsonPointer: jsonPointer(path),
        error: `The required property (${String(last)}) is missing.`,
      });
    } else {
      errors.push({ jsonPointer: jsonPointer(path), error: issue.message });
    }
  }
  for (const [pointer, names] of missingByParent) {
    errors.unshift({
      jsonPointer: pointer,
      error: `The required properties (${names.join(', ')}) are missing.`,
    });
  }
  return errors;
}

/** `schema.safeParse` that throws `body/invalid-data` with schemaErrors on failure. */
export function parseBody<T extends z.ZodType>(
  schema: T,
  input: unknown,
  style: 'property' | 'parent',
): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  return fail({
    type: ProblemTypes.bodyInvalidData,
    title: 'Invalid body data',
    status: 400,
    schemaErrors: schemaErrorsFromZod(result.error.issues, input, style),
  });
}
