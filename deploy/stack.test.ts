/**
 * serverless.yml held to the code: every function's handler exists and starts with the environment the stack gives
 * it, has a role of its own, is given every variable its composition root needs and none it does not read, and
 * serves every HTTP route the stack sends it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import yaml from 'js-yaml';
import { describe, expect, it, vi } from 'vitest';
import { PROBLEM_CONTENT_TYPE } from '../lib/adapters/http/problem.js';
import { apiEvent, lambdaContext } from '../test-support/api-event.js';

/** CloudFormation's short forms, kept as plain data: the test only needs to know they are there. */
const cloudFormationTags = ['Ref', 'GetAtt', 'Sub', 'Join'].flatMap((name) =>
  (['scalar', 'sequence', 'mapping'] as const).map(
    (kind) => new yaml.Type(`!${name}`, { kind, construct: (data) => ({ [name]: data }) }),
  ),
);

interface FunctionSpec {
  handler: string;
  role?: string;
  environment?: Record<string, unknown> | string;
  events?: Array<{ httpApi?: { method: string; path: string } | string }>;
}

const stack = yaml.load(readFileSync(new URL('../serverless.yml', import.meta.url), 'utf8'), {
  schema: yaml.DEFAULT_SCHEMA.extend(cloudFormationTags),
}) as {
  custom: Record<string, unknown>;
  provider: { environment: Record<string, unknown> };
  functions: Record<string, FunctionSpec>;
};

/** `${self:custom.publiqEnvironment}` as the framework resolves it; anything else as written. */
function environmentOf(spec: FunctionSpec): Record<string, unknown> {
  const own = spec.environment ?? {};
  if (typeof own !== 'string') return own;
  const reference = /^\$\{self:custom\.(\w+)\}$/.exec(own)?.[1];
  if (!reference) throw new Error(`unresolvable environment ${own}`);
  return stack.custom[reference] as Record<string, unknown>;
}

/** The configuration sections a composition root asks for: `loadConfig(['publiq', 'table'])`. */
function sectionsOf(file: string): string[] {
  const call = /loadConfig\(\s*\[([^\]]*)\]/.exec(readFileSync(file, 'utf8'))?.[1];
  if (call === undefined) throw new Error(`${file} does not call loadConfig`);
  return [...call.matchAll(/'(\w+)'/g)].map((match) => match[1] ?? '');
}

/** The variables of each section a deployed stage must set: the defaults are for the sandbox and local runs. */
const DEPLOY_REQUIRES: Record<string, string[]> = {
  publiq: ['PUBLIQ_ENV', 'UITPAS_CLIENT_ID', 'UITPAS_CLIENT_SECRET_PARAMETER'],
  table: ['TABLE_NAME'],
  ticketing: ['UITPAS_TICKET_TYPE_ID'],
  ticketSales: ['PASS_HASH_KEY_PARAMETER'],
  sync: [],
  http: [],
  app: [],
};

const roles = await (createRequire(import.meta.url)('./roles.cjs') as RolesModule)({
  resolveVariable: async (name) => (name === 'self:service' ? 'uitpas-ticketing' : 'dev'),
});
type RolesModule = (options: {
  resolveVariable: (name: string) => Promise<string>;
}) => Promise<Record<string, { Type: string }>>;

const { SECTION_VARIABLES } = await import('../lib/config.js');
const functions = Object.entries(stack.functions);

describe('serverless.yml', () => {
  it('declares every function file, and only those', () => {
    const files = readdirSync(new URL('../functions', import.meta.url))
      .filter((name) => name.endsWith('.ts') && !name.includes('.test.'))
      .map((name) => `functions/${name.replace(/\.ts$/, '')}`);
    expect(functions.map(([, spec]) => spec.handler.replace(/\.handler$/, '')).sort()).toEqual(files.sort());
  });

  it('gives every function a role of its own, defined in deploy/roles.cjs', () => {
    const names = functions.map(([name, spec]) => {
      expect(spec.role, name).toBe(`${name.charAt(0).toUpperCase()}${name.slice(1)}Role`);
      expect(roles[spec.role ?? '']?.Type, name).toBe('AWS::IAM::Role');
      return spec.role;
    });
    expect(new Set(names).size).toBe(functions.length);
    expect(Object.keys(roles).length).toBe(functions.length);
  });

  it('describes every HTTP route of the stack in the OpenAPI document, and no other, as served by its function', async () => {
    // The document names the function of each operation by the key it declares its routes under (`x-function`).
    const { declaredRoutes } = await import('../lib/api/document.js');
    const stackRoutes = functions.flatMap(([name, spec]) =>
      (spec.events ?? []).flatMap((event) =>
        event.httpApi && typeof event.httpApi === 'object'
          ? [`${name}: ${event.httpApi.method} ${event.httpApi.path}`]
          : [],
      ),
    );
    const documented = Object.entries(declaredRoutes()).flatMap(([name, routes]) =>
      Object.keys(routes).map((key) => `${name}: ${key}`),
    );
    expect(stackRoutes.sort()).toEqual(documented.sort());
  });

  it('carries no pass number in a path: every path parameter is one of our own ids', () => {
    // A UiTPAS, chip or INSZ number in a path ends up in every access and proxy log; it goes in a body instead.
    const parameters = functions.flatMap(([, spec]) =>
      (spec.events ?? []).flatMap((event) =>
        event.httpApi && typeof event.httpApi === 'object'
          ? [...event.httpApi.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1])
          : [],
      ),
    );
    expect(parameters.length).toBeGreaterThan(0);
    expect(new Set(parameters)).toEqual(
      new Set(['eventId', 'organisationId', 'promotorId', 'orderId', 'asset']),
    );
  });
});

describe.each(functions)('the %s function', (name, spec) => {
  const file = `${spec.handler.replace(/\.handler$/, '')}.ts`;
  const sections = sectionsOf(file);
  const given = { ...stack.provider.environment, ...environmentOf(spec) };
  const read = new Set(
    sections.flatMap((section) => SECTION_VARIABLES[section as keyof typeof SECTION_VARIABLES]),
  );

  it('is given every variable its composition root needs', () => {
    const required = sections.flatMap(
      (section) => DEPLOY_REQUIRES[section] ?? [`unknown section ${section}`],
    );
    expect(required.filter((variable) => !(variable in given))).toEqual([]);
  });

  it('is given no variable of its own that it does not read', () => {
    expect(Object.keys(environmentOf(spec)).filter((variable) => !read.has(variable))).toEqual([]);
  });

  const routes = (spec.events ?? []).flatMap((event) =>
    event.httpApi && typeof event.httpApi === 'object' ? [event.httpApi] : [],
  );
  it.runIf(routes.length > 0).each(routes)('serves $method $path', async ({ method, path }) => {
    vi.resetModules();
    vi.stubEnv('PUBLIQ_ENV', 'test');
    vi.stubEnv('UITPAS_CLIENT_ID', 'stack-test');
    vi.stubEnv('UITPAS_CLIENT_SECRET_PARAMETER', '/stack-test/secret');
    vi.stubEnv('PASS_HASH_KEY_PARAMETER', '/stack-test/pass-hash-key');
    vi.stubEnv('TABLE_NAME', 'stack-test');
    vi.stubEnv('UITPAS_TICKET_TYPE_ID', 'stack-test');
    const { handler } = await import(/* @vite-ignore */ `../${file}`);
    // An id of ours may name nothing (a 401 comes first); a docs file has a fixed name, and the page's own is always there.
    const pathParameters = Object.fromEntries(
      [...path.matchAll(/\{(\w+)\}/g)].map((match) => [
        match[1] ?? '',
        match[1] === 'asset' ? 'init.js' : 'stack-test-id',
      ]),
    );
    // No API key: a route that exists refuses with 401 before it touches anything; a missing one answers 404.
    const response = await handler(apiEvent({ method, route: path, pathParameters }), lambdaContext(name));
    vi.unstubAllEnvs();
    // The docs page and its files answer text; only a problem can say route-not-found.
    const problem = response.headers?.['Content-Type'] === PROBLEM_CONTENT_TYPE;
    expect(problem && JSON.parse(response.body).type).not.toBe(
      'urn:uitpas-ticketing:problem:route-not-found',
    );
    expect([200, 401]).toContain(response.statusCode);
  });
});
