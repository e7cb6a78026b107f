/**
 * The OpenAPI document held to what it describes: the README's route table, the routes' own declarations, and the
 * problem catalogue.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { declaredRoutes, openApiDocument, stackProblems } from './document.js';
import { OPERATIONS } from './operations.js';
import { PROBLEMS, problemTypeUri } from './problems.js';

const document = openApiDocument({ version: 'test' });
type OperationObject = {
  operationId?: string;
  description?: string;
  'x-function'?: string;
  security?: Array<Record<string, string[]>>;
  responses?: Record<string, { content?: Record<string, unknown> }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
};
const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
  Object.entries(item as Record<string, OperationObject>).map(([method, operation]) => ({
    key: `${method.toUpperCase()} ${path}`,
    operation,
  })),
);
const byKey = new Map(operations.map(({ key, operation }) => [key, operation]));
const rolesOf = (operation: OperationObject | undefined) =>
  operation?.security?.flatMap((s) => s.apiKey ?? []) ?? [];

/** The README's route table, `| \`PUT/GET /v1/x/{id}\`, \`GET /v1/x?q=\` | role | function |`, as route keys. */
function readmeRoutes(): Array<{ key: string; role: string }> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const table = readme.slice(readme.indexOf('| route | role | function |'));
  const rows = table.split('\n').slice(2);
  const routes: Array<{ key: string; role: string }> = [];
  for (const row of rows) {
    if (!row.startsWith('|')) break;
    const [, routeCell = '', role = ''] = row.split('|').map((cell) => cell.trim());
    for (const [, methods = '', path = ''] of routeCell.matchAll(/`([A-Z/]+) (\/[^`?\s]*)[^`]*`/g))
      for (const method of methods.split('/')) routes.push({ key: `${method} ${path}`, role });
  }
  return routes;
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with a unique operationId per operation', () => {
    expect(document.openapi).toBe('3.1.0');
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(ids.every(Boolean)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("describes every route of the README's table, with the role the README gives it", () => {
    const routes = readmeRoutes();
    expect(routes.length).toBeGreaterThan(15);
    const wrong = routes
      .map(({ key, role }) => ({
        key,
        role,
        documented: byKey.has(key) ? rolesOf(byKey.get(key)).join(' or ') || 'none' : 'missing',
      }))
      .filter(({ role, documented }) => role !== documented);
    expect(wrong).toEqual([]);
  });

  it('describes exactly the declared routes, each with the roles the route admits and the function that declares it', () => {
    const declared = Object.entries(declaredRoutes()).flatMap(([name, routes]) =>
      Object.entries(routes).map(([key, route]) => ({ key, name, route })),
    );
    expect(operations.map(({ key }) => key).sort()).toEqual(declared.map(({ key }) => key).sort());
    for (const { key, name, route } of declared) {
      const operation = byKey.get(key);
      expect(rolesOf(operation), key).toEqual(route.auth === 'public' ? [] : [...route.auth.roles]);
      expect(operation?.['x-function'], key).toBe(name);
      expect(operation?.description, key).toContain(`Served by the \`${name}\` function.`);
    }
  });

  it('lists only catalogued problem types, and always the 500', () => {
    const known = new Set(Object.keys(PROBLEMS).map((slug) => problemTypeUri(slug as keyof typeof PROBLEMS)));
    for (const { key, operation } of operations) {
      const types = Object.values(operation.responses ?? {}).flatMap((response) =>
        [
          ...JSON.stringify(response.content?.['application/problem+json'] ?? {}).matchAll(
            /"enum":\[([^\]]*)\]/g,
          ),
        ].flatMap(([, list = '']) => JSON.parse(`[${list}]`) as string[]),
      );
      expect(
        types.filter((type) => !known.has(type)),
        key,
      ).toEqual([]);
      expect(types, key).toContain('about:blank');
    }
  });

  it('has each route declared by one function, and no operation listing a problem the HTTP stack answers', () => {
    const served = Object.values(declaredRoutes()).flatMap((routes) => Object.entries(routes));
    const keys = served.map(([key]) => key);
    expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([]);
    const restated = served.flatMap(([key, route]) => {
      const stack = new Set(stackProblems(route));
      return (OPERATIONS[key]?.problems ?? [])
        .filter((slug) => stack.has(slug))
        .map((slug) => `${key} ${slug}`);
    });
    expect(restated).toEqual([]);
  });

  it('states what a refinement checks: the pattern of a ticketing id, the bounds of a price', () => {
    const body = JSON.stringify(byKey.get('POST /v1/tariffs')?.requestBody);
    expect(body).toContain('"pattern":"^[A-Za-z0-9._:-]{1,100}$"');
    expect(body).toMatch(/"regularPrice":\{[^}]*"minimum":0/);
  });
});
