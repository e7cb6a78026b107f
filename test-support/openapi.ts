/**
 * Holds an HTTP answer to the OpenAPI document (lib/api/document.ts): the operation is found by method and path
 * template, the status must be one it documents, the Content-Type the documented one, the body valid against the
 * documented schema (ajv, JSON Schema 2020-12 as OpenAPI 3.1 has it), the documented required headers present, and
 * a 204 bodiless. A method and path that is no operation may only be answered with the 404 `route-not-found`
 * problem. For tests only: the integration project checks every answer of every handler with it
 * (test-support/validate-responses.ts), and the property run (functions/openapi-properties.int.test.ts) too.
 *
 * The document and the compiled schemas are built once per process (kept on globalThis, so a `vi.resetModules`
 * does not build them again).
 */
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { openApiDocument } from '../lib/api/document.js';
import { DOCUMENT_ID, documentAjv, pointerFragment } from './ajv.js';

export const ROUTE_NOT_FOUND = 'urn:uitpas-ticketing:problem:route-not-found';

export interface ResponseToCheck {
  method: string;
  /** The concrete path (`/v1/events/e1`) or the route key's template (`/v1/events/{eventId}`); no query. */
  path: string;
  status: number;
  headers?: Record<string, string | undefined> | undefined;
  body?: string | undefined;
  /**
   * The API Gateway route the request came by, when known: `$default` is the route API Gateway takes when no route
   * matches, so its answer may only be the 404 `route-not-found`, whatever the path.
   */
  routeKey?: string | undefined;
}

type Json = Record<string, unknown>;
interface MediaTypeObject {
  schema?: unknown;
}
interface HeaderObject {
  required?: boolean;
}
interface ResponseObject {
  content?: Record<string, MediaTypeObject>;
  headers?: Record<string, HeaderObject>;
}
interface OperationObject {
  operationId?: string;
  responses?: Record<string, ResponseObject>;
}
export interface OpenApiDocument {
  openapi: string;
  paths?: Record<string, Record<string, OperationObject>>;
  components?: Json;
}

/** What a validator needs of one document: its operations by template, and a schema compiler over it. */
export interface Validator {
  document: OpenApiDocument;
  validateResponse(response: ResponseToCheck): string[];
  /** The operation (method and path template) a method and concrete path is, if any. */
  findOperation(method: string, path: string): { template: string; operation: OperationObject } | undefined;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);
/** A value as JSON (strings quoted), cut short. */
const excerpt = (value: unknown, max = 160): string => clip(JSON.stringify(value) ?? String(value), max);

const mediaType = (value: string | undefined) => value?.split(';')[0]?.trim().toLowerCase() ?? '';
const isJson = (type: string) => /^application\/([a-z0-9.+-]*\+)?json$/.test(type);

function headerOf(headers: ResponseToCheck['headers'], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers ?? {})) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

function describeError(error: ErrorObject, problemBody: boolean): string {
  const at = error.instancePath || '(the body)';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${at} has a field the document does not describe: "${String(params.additionalProperty)}"`;
    case 'unevaluatedProperties':
      return `${at} has a field the document does not describe: "${String(params.unevaluatedProperty)}"`;
    case 'required':
      return `${at} lacks the required field "${String(params.missingProperty)}"`;
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]) ?? [];
      if (problemBody && error.instancePath === '/type')
        return `problem type ${excerpt(error.data)} is not documented for this status; documented: ${allowed.join(', ')}`;
      return `${at} is ${excerpt(error.data)}, not one of ${excerpt(allowed, 300)}`;
    }
    case 'const':
      return `${at} is ${excerpt(error.data)}, not ${excerpt(params.allowedValue)}`;
    case 'type':
      return `${at} is ${excerpt(error.data)}: it ${error.message}`;
    default:
      return `${at} ${error.message}${error.data !== undefined ? ` (got ${excerpt(error.data)})` : ''}`;
  }
}

/** Matches `/v1/events/e1` (or `/v1/events/{eventId}`) to `/v1/events/{eventId}`; a trailing slash as middy does. */
function matches(template: string, path: string): boolean {
  const want = template.split('/');
  const got = (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path).split('/');
  if (want.length !== got.length) return false;
  return want.every((segment, i) =>
    /^\{[^}]+\}$/.test(segment) ? (got[i] ?? '') !== '' : segment === got[i],
  );
}

export function createValidator(document: OpenApiDocument): Validator {
  const ajv = documentAjv(document, { allErrors: true, verbose: true });
  const compiled = new Map<string, ValidateFunction>();
  const compile = (ref: string): ValidateFunction => {
    let validate = compiled.get(ref);
    if (!validate) {
      validate = ajv.compile({ $ref: `${DOCUMENT_ID}#/${ref}` });
      compiled.set(ref, validate);
    }
    return validate;
  };

  // Literal segments first: `/v1/events/{eventId}/readiness` before any template with more parameters.
  const templates = Object.keys(document.paths ?? {}).sort(
    (a, b) => (b.match(/\/[^{/][^/]*/g)?.length ?? 0) - (a.match(/\/[^{/][^/]*/g)?.length ?? 0),
  );

  function findOperation(method: string, path: string) {
    // HTTP methods are case-sensitive: `get` is no GET (and no route of API Gateway's or middy's).
    if (method !== method.toUpperCase()) return undefined;
    const wanted = method.toLowerCase();
    for (const template of templates) {
      if (!matches(template, path)) continue;
      const operation = document.paths?.[template]?.[wanted];
      if (operation && METHODS.includes(wanted)) return { template, operation };
    }
    return undefined;
  }

  function checkNoRoute(response: ResponseToCheck): string[] {
    const errors: string[] = [];
    const problem = `${response.method} ${response.path} is ${response.routeKey === '$default' ? "API Gateway's $default route" : 'no operation of the document'}`;
    if (response.status !== 404)
      return [`${problem}: it may only be answered 404 route-not-found, not ${response.status}`];
    const type = mediaType(headerOf(response.headers, 'content-type'));
    if (type !== 'application/problem+json')
      errors.push(
        `${problem}: its 404 must be application/problem+json, not ${type || 'without Content-Type'}`,
      );
    let body: unknown;
    try {
      body = JSON.parse(response.body ?? '');
    } catch {
      return [...errors, `${problem}: its 404 body is not JSON: ${clip(response.body ?? '', 160)}`];
    }
    const { type: problemType, status } = (body ?? {}) as Json;
    if (problemType !== ROUTE_NOT_FOUND)
      errors.push(`${problem}: its 404 must be of type ${ROUTE_NOT_FOUND}, not ${excerpt(problemType)}`);
    if (status !== 404) errors.push(`${problem}: its problem's status is ${excerpt(status)}, not 404`);
    return errors;
  }

  function validateResponse(response: ResponseToCheck): string[] {
    if (response.routeKey === '$default') return checkNoRoute(response);
    const found = findOperation(response.method, response.path);
    if (!found) return checkNoRoute(response);
    const { template, operation } = found;
    const method = response.method.toLowerCase();
    const errors: string[] = [];
    const status = String(response.status);
    const answer = operation.responses?.[status];
    if (!answer) {
      const documented = Object.keys(operation.responses ?? {}).join(', ');
      return [`status ${status} is not documented (documented: ${documented})`];
    }
    for (const [name, header] of Object.entries(answer.headers ?? {}))
      if (header.required && headerOf(response.headers, name) === undefined)
        errors.push(`the required header ${name} is missing`);

    const hasBody = response.body !== undefined && response.body !== '';
    const content = answer.content ?? {};
    const documentedTypes = Object.keys(content);
    if (response.status === 204 || documentedTypes.length === 0) {
      if (hasBody)
        errors.push(`a ${status} has no body, but this one has: ${clip(response.body ?? '', 160)}`);
      return errors;
    }
    if (!hasBody)
      return [...errors, `a ${status} has a body (${documentedTypes.join(' or ')}), but this one has none`];
    const sent = mediaType(headerOf(response.headers, 'content-type'));
    const type = documentedTypes.find((documented) => documented.toLowerCase() === sent);
    if (!type)
      return [
        ...errors,
        `Content-Type is ${sent || '(none)'}, not the documented ${documentedTypes.join(' or ')}`,
      ];
    let body: unknown = response.body;
    if (isJson(type)) {
      try {
        body = JSON.parse(response.body ?? '');
      } catch (error) {
        return [
          ...errors,
          `the body is not JSON (${(error as Error).message}): ${clip(response.body ?? '', 160)}`,
        ];
      }
    }
    const validate = compile(
      pointerFragment('paths', template, method, 'responses', status, 'content', type, 'schema'),
    );
    if (!validate(body)) {
      const problemBody = type === 'application/problem+json';
      const described = (validate.errors ?? []).map((error) => describeError(error, problemBody));
      errors.push(...new Set(described));
    }
    if (type === 'application/problem+json') {
      const problemStatus = (body as Json | null)?.status;
      if (problemStatus !== response.status)
        errors.push(`the problem's status is ${excerpt(problemStatus)}, but the HTTP status is ${status}`);
    }
    return errors;
  }

  return { document, validateResponse, findOperation };
}

interface Cache {
  validator?: Validator;
}
const shared = globalThis as { [key: symbol]: Cache | undefined };
const CACHE = Symbol.for('uitpas-ticketing.openapi-validator');
shared[CACHE] ??= {};
const cache = shared[CACHE];

/** The validator of the document this code describes, built once per process. */
export function documentValidator(): Validator {
  cache.validator ??= createValidator(openApiDocument({ version: 'test' }) as unknown as OpenApiDocument);
  return cache.validator;
}

/** Every way `response` departs from the document, in words; empty when it is as documented. */
export function validateResponse(response: ResponseToCheck): string[] {
  return documentValidator().validateResponse(response);
}

/** One line naming the answer, for messages. */
export function describeResponse(response: ResponseToCheck): string {
  const operation = documentValidator().findOperation(response.method, response.path);
  const name = operation
    ? `${response.method.toUpperCase()} ${operation.template}${operation.template === response.path ? '' : ` (${response.path})`}`
    : `${response.method} ${response.path} (no operation)`;
  return `${name} → ${response.status}`;
}

/** The error `expectValidResponse` throws, listing each departure; undefined when there is none. */
export function responseError(response: ResponseToCheck): Error | undefined {
  const errors = validateResponse(response);
  if (errors.length === 0) return undefined;
  return new Error(
    `The answer ${describeResponse(response)} is not as the OpenAPI document says:\n${errors.map((e) => `  - ${e}`).join('\n')}\n  body: ${clip(response.body ?? '(none)', 600)}`,
  );
}

/** Throws an Error listing every way `response` departs from the document. */
export function expectValidResponse(response: ResponseToCheck): void {
  const error = responseError(response);
  if (error) throw error;
}
