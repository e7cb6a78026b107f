/**
 * fast-check arbitraries from JSON Schema (2020-12, as OpenAPI 3.1 documents have it), for the property run over
 * the OpenAPI document (functions/openapi-properties.int.test.ts): values a schema accepts (`arbitraryOf`), and the
 * ways to spoil one (`spoilers`: drop a required field, a wrong type, an unknown field, out of bounds, off the
 * pattern or the enum). Small on purpose: objects with required and optional properties, strings (pattern, length,
 * date-time), enums and consts, numbers and integers with bounds, arrays with bounds, anyOf, oneOf, allOf of
 * objects, `$ref` into the document. Whether a value is valid is ajv's to say (`accepts`): generators aim, ajv
 * decides.
 */
import fc from 'fast-check';

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
};

export interface SchemaContext {
  /** The schema a `$ref` (`#/components/schemas/X`) names. */
  resolve(ref: string): JsonSchema;
  /** Whether `schema` accepts `value` (ajv). */
  accepts(schema: JsonSchema, value: unknown): boolean;
  /** Values worth trying for a property or parameter of this name (known ids, say): used when the schema takes them. */
  hints?(name: string): readonly unknown[] | undefined;
}

/** How far an unbounded string, array or number may go: small values find as much and run faster. */
const SPAN = { string: 24, array: 3, number: 1000 };
const SAFE_FIRST = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SAFE = `${SAFE_FIRST} .-_éü`;

/** The schema with `$ref` followed and an `allOf` of objects merged, as far as this generator needs. */
export function resolved(schema: JsonSchema | boolean | undefined, context: SchemaContext): JsonSchema {
  if (schema === undefined || schema === true) return {};
  if (schema === false) return { not: {} } as JsonSchema;
  let current = schema;
  for (let depth = 0; current.$ref && depth < 20; depth += 1) {
    const { $ref, ...rest } = current;
    current = { ...context.resolve($ref), ...withoutAnnotations(rest) };
  }
  if (current.allOf?.length) {
    const { allOf, ...rest } = current;
    const merged: JsonSchema = {
      ...rest,
      properties: { ...rest.properties },
      required: [...(rest.required ?? [])],
    };
    for (const part of allOf.map((each) => resolved(each, context))) {
      const { properties, required, additionalProperties, ...others } = part;
      Object.assign(merged, others);
      Object.assign(merged.properties as object, properties);
      merged.required = [...new Set([...(merged.required ?? []), ...(required ?? [])])];
      if (merged.additionalProperties !== false && additionalProperties !== undefined)
        merged.additionalProperties = additionalProperties;
    }
    return merged;
  }
  return current;
}

function withoutAnnotations(schema: JsonSchema): JsonSchema {
  const { description: _d, ...rest } = schema as JsonSchema & { description?: string };
  return rest;
}

const typesOf = (schema: JsonSchema): string[] =>
  schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];

/** Values `schema` accepts; `name` is the property or parameter it is of, for `hints`. */
export function arbitraryOf(
  schema: JsonSchema | boolean | undefined,
  context: SchemaContext,
  name?: string,
): fc.Arbitrary<unknown> {
  const s = resolved(schema, context);
  const derived = derive(s, context);
  const hinted = name ? (context.hints?.(name) ?? []).filter((value) => context.accepts(s, value)) : [];
  if (hinted.length === 0) return derived;
  return fc.oneof({ arbitrary: fc.constantFrom(...hinted), weight: 3 }, { arbitrary: derived, weight: 1 });
}

function derive(s: JsonSchema, context: SchemaContext): fc.Arbitrary<unknown> {
  if ('const' in s) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const branches = s.anyOf ?? s.oneOf;
  if (branches?.length) {
    const { anyOf: _a, oneOf: _o, ...rest } = s;
    const arbitraries = branches.map((branch) =>
      arbitraryOf({ ...rest, ...resolved(branch, context) }, context),
    );
    const any = fc.oneof(...arbitraries);
    // A value of two branches is no value of a oneOf.
    return s.oneOf ? any.filter((value) => context.accepts(s, value)) : any;
  }
  const types = typesOf(s);
  if (types.length > 1) return fc.oneof(...types.map((type) => derive({ ...s, type }, context)));
  const type = types[0] ?? (s.properties ? 'object' : s.items ? 'array' : undefined);
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return integers(s);
    case 'number':
      return numbers(s);
    case 'string':
      return strings(s);
    case 'array':
      return arrays(s, context);
    case 'object':
      return objects(s, context);
    default:
      return fc.constantFrom(null, 'x', 1, true, {});
  }
}

function bounds(s: JsonSchema, step: number): { min: number; max: number } {
  let min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + step : undefined);
  let max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - step : undefined);
  if (s.minimum !== undefined && s.exclusiveMinimum !== undefined)
    min = Math.max(s.minimum, s.exclusiveMinimum + step);
  if (s.maximum !== undefined && s.exclusiveMaximum !== undefined)
    max = Math.min(s.maximum, s.exclusiveMaximum - step);
  min ??= max === undefined ? -SPAN.number : max - SPAN.number;
  max ??= min + SPAN.number;
  // Huge bounds (Number.MAX_SAFE_INTEGER): the values near the minimum are the ones that mean something.
  if (max - min > 10 * SPAN.number) max = min + 10 * SPAN.number;
  return { min, max };
}

function integers(s: JsonSchema): fc.Arbitrary<number> {
  const { min, max } = bounds(s, 1);
  return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
}

/** Numbers in cents: a price is at most 2 decimals, which JSON Schema does not say but the routes check. */
function numbers(s: JsonSchema): fc.Arbitrary<number> {
  const { min, max } = bounds(s, 0.01);
  return fc.integer({ min: Math.ceil(min * 100), max: Math.floor(max * 100) }).map((cents) => cents / 100);
}

function strings(s: JsonSchema): fc.Arbitrary<string> {
  const minLength = s.minLength ?? 0;
  const maxLength = Math.max(
    minLength,
    Math.min(s.maxLength ?? minLength + SPAN.string, minLength + SPAN.string),
  );
  const fits = (value: string) =>
    value.length >= minLength &&
    value.length <= (s.maxLength ?? Number.POSITIVE_INFINITY) &&
    (!s.pattern || new RegExp(s.pattern, 'u').test(value));
  if (s.format === 'date-time' || s.format === 'date') {
    return fc
      .date({
        min: new Date('2020-01-01T00:00:00Z'),
        max: new Date('2035-12-31T23:59:59Z'),
        noInvalidDate: true,
      })
      .map((date) => (s.format === 'date' ? date.toISOString().slice(0, 10) : date.toISOString()))
      .filter(fits);
  }
  if (s.format === 'uuid') return fc.uuid().filter(fits);
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).filter(fits);
  // Free text: starts with something visible (the routes trim and want a visible character).
  const first = fc.constantFrom(...SAFE_FIRST);
  const rest = fc.string({ unit: fc.constantFrom(...SAFE), maxLength: Math.max(0, maxLength - 1) });
  const text = fc.tuple(first, rest).map(([a, b]) => `${a}${b}`.trimEnd());
  return (minLength === 0 ? fc.oneof(fc.constant(''), text) : text).filter(fits);
}

function arrays(s: JsonSchema, context: SchemaContext): fc.Arbitrary<unknown[]> {
  const minLength = s.minItems ?? 0;
  const maxLength = Math.min(s.maxItems ?? minLength + SPAN.array, minLength + SPAN.array);
  const item = arbitraryOf(s.items, context);
  return s.uniqueItems
    ? fc.uniqueArray(item, { minLength, maxLength, selector: (value) => JSON.stringify(value) })
    : fc.array(item, { minLength, maxLength });
}

function objects(s: JsonSchema, context: SchemaContext): fc.Arbitrary<Record<string, unknown>> {
  const properties = s.properties ?? {};
  const names = Object.keys(properties);
  if (names.length === 0 && s.additionalProperties && s.additionalProperties !== true) {
    const key = fc.stringMatching(/^[a-z][a-zA-Z]{0,7}$/);
    return fc.dictionary(key, arbitraryOf(s.additionalProperties, context), {
      maxKeys: 2,
      noNullPrototype: true,
    });
  }
  const model = Object.fromEntries(names.map((key) => [key, arbitraryOf(properties[key], context, key)]));
  return fc.record(model, {
    requiredKeys: names.filter((key) => s.required?.includes(key)),
    noNullPrototype: true,
  }) as fc.Arbitrary<Record<string, unknown>>;
}

/** A way to spoil a valid value, and what it does, for the failure message. */
export interface Spoiler {
  what: string;
  value: unknown;
}

const pathText = (path: (string | number)[]) => `/${path.join('/')}`;

function setAt(root: unknown, path: (string | number)[], change: (value: unknown) => unknown): unknown {
  if (path.length === 0) return change(root);
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(root))
    return root.map((item, index) => (index === head ? setAt(item, rest, change) : item));
  const object = root as Record<string, unknown>;
  return { ...object, [head]: setAt(object[head], rest, change) };
}

function dropAt(root: unknown, path: (string | number)[]): unknown {
  const parent = path.slice(0, -1);
  const key = path[path.length - 1] as string;
  return setAt(root, parent, (value) => {
    const { [key]: _dropped, ...rest } = value as Record<string, unknown>;
    return rest;
  });
}

/** Another JSON type than the value's. */
function otherType(value: unknown): unknown {
  if (typeof value === 'string') return 12345;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 0;
  if (value === null) return {};
  if (Array.isArray(value)) return { 0: value[0] ?? null };
  return [value];
}

/**
 * Ways to spoil `value` (valid for `schema`), in and below it: each one keeps the rest valid, so what the answer says
 * can be pinned on the spoiled field. Only those `schema` then refuses are returned.
 */
export function spoilers(
  schema: JsonSchema,
  value: unknown,
  context: SchemaContext,
  options: { root?: boolean } = {},
): Spoiler[] {
  const found: Spoiler[] = [];
  const visit = (node: JsonSchema | boolean | undefined, at: unknown, path: (string | number)[]) => {
    let s = resolved(node, context);
    const branches = s.anyOf ?? s.oneOf;
    if (branches) {
      const branch = branches.map((b) => resolved(b, context)).find((b) => context.accepts(b, at));
      if (branch) {
        const { anyOf: _a, oneOf: _o, ...rest } = s;
        s = { ...rest, ...branch };
      }
    }
    const here = pathText(path);
    if (path.length > 0 || options.root !== false)
      found.push({
        what: `${here}: ${JSON.stringify(otherType(at))} instead of a ${typeOf(at)}`,
        value: setAt(value, path, otherType),
      });
    if (s.enum || 'const' in s)
      found.push({
        what: `${here}: a value outside the enum`,
        value: setAt(value, path, () => 'not-one-of-them'),
      });
    if (typeof at === 'string') {
      if (s.maxLength !== undefined)
        found.push({
          what: `${here}: ${s.maxLength + 1} characters`,
          value: setAt(value, path, () => 'x'.repeat((s.maxLength as number) + 1)),
        });
      if (s.minLength) found.push({ what: `${here}: empty`, value: setAt(value, path, () => '') });
      if (s.pattern || s.format)
        found.push({ what: `${here}: off the pattern`, value: setAt(value, path, () => `${at} !`) });
    }
    if (typeof at === 'number') {
      const { min, max } = { min: s.minimum ?? s.exclusiveMinimum, max: s.maximum ?? s.exclusiveMaximum };
      if (max !== undefined)
        found.push({ what: `${here}: above ${max}`, value: setAt(value, path, () => max + 1) });
      if (min !== undefined)
        found.push({ what: `${here}: below ${min}`, value: setAt(value, path, () => min - 1) });
      if (typesOf(s).includes('integer'))
        found.push({ what: `${here}: not an integer`, value: setAt(value, path, () => at + 0.5) });
    }
    if (Array.isArray(at)) {
      if (s.maxItems !== undefined) {
        const filler = at[0] ?? null;
        found.push({
          what: `${here}: ${s.maxItems + 1} items`,
          value: setAt(value, path, () => [
            ...at,
            ...Array.from({ length: (s.maxItems as number) + 1 - at.length }, () => filler),
          ]),
        });
      }
      if (s.minItems) found.push({ what: `${here}: no items`, value: setAt(value, path, () => []) });
      if (at.length > 0) visit(s.items, at[0], [...path, 0]);
    } else if (at && typeof at === 'object') {
      const object = at as Record<string, unknown>;
      for (const key of s.required ?? [])
        if (key in object)
          found.push({ what: `${here}: without the required ${key}`, value: dropAt(value, [...path, key]) });
      if (s.additionalProperties === false)
        found.push({
          what: `${here}: an unknown field`,
          value: setAt(value, path, (v) => ({ ...(v as object), zzUnknownField: 1 })),
        });
      for (const [key, child] of Object.entries(object))
        if (s.properties?.[key] && child !== undefined) visit(s.properties[key], child, [...path, key]);
    }
  };
  visit(schema, value, []);
  const seen = new Set<string>();
  return found.filter((spoiler) => {
    const key = JSON.stringify(spoiler.value);
    if (seen.has(key)) return false;
    seen.add(key);
    return !context.accepts(schema, spoiler.value);
  });
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}
