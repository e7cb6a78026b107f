/**
 * A small subset of the Lucene query syntax that Search's `q` accepts: `field:value`, `field:"phrase"`,
 * `field:[from TO to]` / `{…}` (exclusive) with `*` for an open end, `field:(a OR b)`, `AND`/`&&`,
 * `OR`/`||`, `NOT`/`!`/`-`, parentheses, `_exists_:field`, `*:*`, and `*`/`?` wildcards in values.
 * Like Elasticsearch's query_string, terms without an operator between them are OR-ed.
 */
import { parseDateTime } from './util.js';

export type QueryNode =
  | { kind: 'and' | 'or'; nodes: QueryNode[] }
  | { kind: 'not'; node: QueryNode }
  | { kind: 'term'; field?: string; value: string; phrase: boolean }
  | { kind: 'range'; field?: string; from: string; to: string; includeFrom: boolean; includeTo: boolean }
  | { kind: 'exists'; field: string }
  | { kind: 'all' };

export class QuerySyntaxError extends Error {}

export function parseQuery(input: string): QueryNode {
  return new Parser(input).parse();
}

class Parser {
  private pos = 0;

  constructor(private readonly s: string) {}

  parse(): QueryNode {
    const node = this.parseOr(undefined);
    this.ws();
    if (this.pos < this.s.length) this.error(`unexpected "${this.s[this.pos]}"`);
    return node;
  }

  private parseOr(field: string | undefined): QueryNode {
    const nodes = [this.parseAnd(field)];
    for (;;) {
      this.ws();
      if (this.pos >= this.s.length || this.peek(')')) break;
      if (!this.keyword('OR')) this.symbol('||');
      nodes.push(this.parseAnd(field));
    }
    return nodes.length === 1 && nodes[0] ? nodes[0] : { kind: 'or', nodes };
  }

  private parseAnd(field: string | undefined): QueryNode {
    const nodes = [this.parseUnary(field)];
    for (;;) {
      this.ws();
      if (!this.keyword('AND') && !this.symbol('&&')) break;
      nodes.push(this.parseUnary(field));
    }
    return nodes.length === 1 && nodes[0] ? nodes[0] : { kind: 'and', nodes };
  }

  private parseUnary(field: string | undefined): QueryNode {
    this.ws();
    if (this.keyword('NOT') || this.symbol('!') || this.symbol('-')) {
      return { kind: 'not', node: this.parseUnary(field) };
    }
    this.symbol('+');
    return this.parsePrimary(field);
  }

  private parsePrimary(field: string | undefined): QueryNode {
    this.ws();
    if (this.symbol('(')) {
      const node = this.parseOr(field);
      this.ws();
      if (!this.symbol(')')) this.error('missing ")"');
      return node;
    }
    if (this.peek('"')) return { kind: 'term', field, value: this.quoted(), phrase: true };
    if (this.peek('[') || this.peek('{')) return this.range(field);
    const word = this.word(/[\s()":]/);
    if (word === '') this.error('expected a term');
    if (this.peek(':') && field === undefined) {
      this.pos++;
      return this.fieldValue(word);
    }
    if (word === '*') return { kind: 'all' };
    return { kind: 'term', field, value: word, phrase: false };
  }

  private fieldValue(field: string): QueryNode {
    if (this.symbol('(')) {
      const node = this.parseOr(field);
      this.ws();
      if (!this.symbol(')')) this.error('missing ")"');
      return node;
    }
    if (this.peek('"')) return this.fieldTerm(field, this.quoted(), true);
    if (this.peek('[') || this.peek('{')) return this.range(field);
    const value = this.word(/[\s()]/);
    if (value === '') this.error(`missing value for "${field}"`);
    return this.fieldTerm(field, value, false);
  }

  private fieldTerm(field: string, value: string, phrase: boolean): QueryNode {
    if (field === '_exists_') return { kind: 'exists', field: value };
    if (field === '*' && value === '*') return { kind: 'all' };
    return { kind: 'term', field, value, phrase };
  }

  private range(field: string | undefined): QueryNode {
    const includeFrom = this.s[this.pos++] === '[';
    this.ws();
    const from = this.bound(/[\s]/);
    this.ws();
    if (!this.keyword('TO')) this.error('expected "TO" in range');
    this.ws();
    const to = this.bound(/[\s\]}]/);
    this.ws();
    const close = this.s[this.pos++];
    if (close !== ']' && close !== '}') this.error('missing "]" or "}"');
    return { kind: 'range', field, from, to, includeFrom, includeTo: close === ']' };
  }

  private bound(stop: RegExp): string {
    const value = this.peek('"') ? this.quoted() : this.word(stop);
    if (value === '') this.error('empty range bound');
    return value;
  }

  private quoted(): string {
    this.pos++;
    let value = '';
    while (this.pos < this.s.length && this.s[this.pos] !== '"') {
      if (this.s[this.pos] === '\\') this.pos++;
      value += this.s[this.pos++] ?? '';
    }
    if (this.s[this.pos] !== '"') this.error('unterminated phrase');
    this.pos++;
    return value;
  }

  private word(stop: RegExp): string {
    let value = '';
    while (this.pos < this.s.length) {
      const c = this.s[this.pos] ?? '';
      if (c === '\\') {
        value += this.s[this.pos + 1] ?? '';
        this.pos += 2;
        continue;
      }
      if (stop.test(c)) break;
      value += c;
      this.pos++;
    }
    return value;
  }

  private ws(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos] ?? '')) this.pos++;
  }

  private peek(text: string): boolean {
    return this.s.startsWith(text, this.pos);
  }

  private symbol(text: string): boolean {
    if (!this.peek(text)) return false;
    this.pos += text.length;
    return true;
  }

  private keyword(word: string): boolean {
    if (!this.peek(word)) return false;
    const next = this.s[this.pos + word.length];
    if (next !== undefined && !/[\s(]/.test(next)) return false;
    this.pos += word.length;
    return true;
  }

  private error(message: string): never {
    throw new QuerySyntaxError(`Invalid q at position ${this.pos}: ${message}`);
  }
}

// --- Evaluation -----------------------------------------------------------------------------------------

export type FieldType = 'keyword' | 'text' | 'date' | 'number';
export interface FieldValues {
  type: FieldType;
  values: string[];
}
/** Returns the values of a field (`undefined` field = the default free-text field), or `undefined`. */
export type FieldAccessor = (field: string | undefined) => FieldValues | undefined;

export function matchQuery(node: QueryNode, access: FieldAccessor): boolean {
  switch (node.kind) {
    case 'all':
      return true;
    case 'and':
      return node.nodes.every((n) => matchQuery(n, access));
    case 'or':
      return node.nodes.some((n) => matchQuery(n, access));
    case 'not':
      return !matchQuery(node.node, access);
    case 'exists':
      return (access(node.field)?.values.length ?? 0) > 0;
    case 'term': {
      const field = access(node.field);
      return field?.values.some((v) => termMatches(field.type, v, node.value, node.phrase)) ?? false;
    }
    case 'range': {
      const field = access(node.field);
      return field?.values.some((v) => inRange(field.type, v, node)) ?? false;
    }
  }
}

function wildcardRegex(pattern: string, anchored: boolean): RegExp {
  const body = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(anchored ? `^${body}$` : body, 'i');
}

function termMatches(type: FieldType, actual: string, expected: string, phrase: boolean): boolean {
  const wildcard = !phrase && /[*?]/.test(expected);
  switch (type) {
    case 'keyword':
      return wildcard
        ? wildcardRegex(expected, true).test(actual)
        : actual.toLowerCase() === expected.toLowerCase();
    case 'text':
      return wildcard
        ? actual.split(/\s+/).some((word) => wildcardRegex(expected, true).test(word))
        : actual.toLowerCase().includes(expected.toLowerCase());
    case 'date': {
      const a = parseDateTime(actual);
      return a !== undefined && a === parseDateTime(expected);
    }
    case 'number':
      return Number(actual) === Number(expected);
  }
}

function inRange(type: FieldType, actual: string, range: Extract<QueryNode, { kind: 'range' }>): boolean {
  const convert = (value: string): number | string | undefined => {
    if (type === 'date') {
      const ms = parseDateTime(value);
      if (ms === undefined) throw new QuerySyntaxError(`Invalid date "${value}" in q range`);
      return ms;
    }
    if (type === 'number') return Number(value);
    return value.toLowerCase();
  };
  const value = convert(actual);
  if (value === undefined) return false;
  if (range.from !== '*') {
    const from = convert(range.from);
    if (from === undefined || (range.includeFrom ? value < from : value <= from)) return false;
  }
  if (range.to !== '*') {
    const to = convert(range.to);
    if (to === undefined || (range.includeTo ? value > to : value >= to)) return false;
  }
  return true;
}
