/**
 * Fault injection and the request log.
 *
 * Rules are matched against the method and the full path (with its prefix, e.g. `/uitpas/ticket-sales`),
 * in the order they were added. All matching `latency` rules add up; then the first matching rule of another
 * kind decides what happens. Each match consumes one of the rule's `times` (default unlimited).
 */
import * as z from 'zod';

export type FaultStatus = 500 | 502 | 503 | 504 | 429;

export type FaultKind =
  | { kind: 'latency'; ms: number }
  | { kind: 'status'; status: FaultStatus; retryAfterSeconds?: number }
  /** Accept the request and never answer (until the client gives up or the sandbox closes). */
  | { kind: 'timeout' }
  /** Destroy the socket without a response, before the request is applied. */
  | { kind: 'drop' }
  /** Apply the request (e.g. register the sales), then destroy the socket instead of answering. */
  | { kind: 'dropAfterApply' }
  /** Apply the request, then wait `ms` before answering (for client-timeout-after-apply). */
  | { kind: 'delayAfterApply'; ms: number };

export type FaultRule = {
  method?: string;
  /** Exact path, or a RegExp tested against the path. */
  path: string | RegExp;
  /** How many requests the rule applies to; default unlimited. */
  times?: number;
} & FaultKind;

export interface FaultHandle {
  readonly id: string;
  /** How many requests the rule has applied to so far. */
  readonly hits: number;
  remove(): void;
}

interface ActiveRule {
  id: string;
  rule: FaultRule;
  remaining: number;
  hits: number;
}

export interface FaultDecision {
  latencyMs: number;
  fault?: Exclude<FaultKind, { kind: 'latency' }>;
}

export class FaultController {
  private rules: ActiveRule[] = [];
  private nextId = 1;

  add(rule: FaultRule): FaultHandle {
    const active: ActiveRule = {
      id: `fault-${this.nextId++}`,
      rule,
      remaining: rule.times ?? Number.POSITIVE_INFINITY,
      hits: 0,
    };
    this.rules.push(active);
    return {
      id: active.id,
      get hits() {
        return active.hits;
      },
      remove: () => this.remove(active.id),
    };
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  list(): { id: string; hits: number; remaining: number | null; rule: FaultRule }[] {
    return this.rules.map((r) => ({
      id: r.id,
      hits: r.hits,
      remaining: Number.isFinite(r.remaining) ? r.remaining : null,
      rule: r.rule,
    }));
  }

  /** Decides (and consumes) the faults for one request. */
  decide(method: string, path: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    for (const active of [...this.rules]) {
      if (!matches(active.rule, method, path)) continue;
      if (active.rule.kind !== 'latency' && decision.fault) continue;
      active.hits++;
      active.remaining--;
      if (active.remaining <= 0) this.remove(active.id);
      if (active.rule.kind === 'latency') decision.latencyMs += active.rule.ms;
      else decision.fault = kindOf(active.rule);
    }
    return decision;
  }
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false;
  return typeof rule.path === 'string' ? rule.path === path : rule.path.test(path);
}

function kindOf(rule: FaultRule): Exclude<FaultKind, { kind: 'latency' }> {
  switch (rule.kind) {
    case 'status':
      return { kind: 'status', status: rule.status, retryAfterSeconds: rule.retryAfterSeconds };
    case 'delayAfterApply':
      return { kind: 'delayAfterApply', ms: rule.ms };
    case 'timeout':
    case 'drop':
    case 'dropAfterApply':
      return { kind: rule.kind };
    case 'latency':
      throw new Error('latency is not a terminal fault');
  }
}

/** JSON form of a rule for `POST /__sandbox/faults`: `path` is a string, `regex: true` makes it a RegExp. */
const base = {
  method: z.string().min(1).optional(),
  path: z.string().min(1),
  regex: z.boolean().optional(),
  times: z.number().int().positive().optional(),
};
export const FaultRuleJson = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('latency'), ms: z.number().int().nonnegative() }),
  z.object({
    ...base,
    kind: z.literal('status'),
    status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504), z.literal(429)]),
    retryAfterSeconds: z.number().int().nonnegative().optional(),
  }),
  z.object({ ...base, kind: z.literal('timeout') }),
  z.object({ ...base, kind: z.literal('drop') }),
  z.object({ ...base, kind: z.literal('dropAfterApply') }),
  z.object({ ...base, kind: z.literal('delayAfterApply'), ms: z.number().int().nonnegative() }),
]);

export function faultRuleFromJson(input: z.infer<typeof FaultRuleJson>): FaultRule {
  const { regex, path, ...rest } = input;
  return { ...rest, path: regex ? new RegExp(path) : path } as FaultRule;
}

export function faultRuleToJson(rule: FaultRule): Record<string, unknown> {
  return rule.path instanceof RegExp ? { ...rule, path: rule.path.source, regex: true } : { ...rule };
}

// --- Request log ----------------------------------------------------------------------------------------

export interface LoggedRequest {
  method: string;
  path: string;
  /** Route template when the path matched one, e.g. `DELETE /uitpas/ticket-sales/{ticketSaleId}`. */
  route?: string;
  query: Record<string, string | string[]>;
  /** `null` while pending, or when no response was sent (timeout, drop, dropAfterApply). */
  status: number | null;
  /** ISO time on the sandbox clock when the request arrived. */
  at: string;
  fault?: string;
}

export class RequestLog {
  private entries: LoggedRequest[] = [];

  record(entry: LoggedRequest): LoggedRequest {
    this.entries.push(entry);
    return entry;
  }

  /** Copies of all entries, oldest first. */
  all(): LoggedRequest[] {
    return this.entries.map((e) => ({ ...e }));
  }

  /**
   * Number of requests matching `'METHOD /path'` (exact path or route template, e.g.
   * `'DELETE /uitpas/ticket-sales/{ticketSaleId}'`), a RegExp tested against `'METHOD /path'`, or a
   * predicate.
   */
  count(match: string | RegExp | ((entry: LoggedRequest) => boolean)): number {
    return this.entries.filter((e) => entryMatches(e, match)).length;
  }

  filter(match: string | RegExp | ((entry: LoggedRequest) => boolean)): LoggedRequest[] {
    return this.entries.filter((e) => entryMatches(e, match)).map((e) => ({ ...e }));
  }

  /** Counts per `'METHOD /path'`. */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const e of this.entries) {
      const k = `${e.method} ${e.path}`;
      counts[k] = (counts[k] ?? 0) + 1;
    }
    return counts;
  }

  reset(): void {
    this.entries = [];
  }
}

function entryMatches(
  entry: LoggedRequest,
  match: string | RegExp | ((entry: LoggedRequest) => boolean),
): boolean {
  if (typeof match === 'function') return match(entry);
  const line = `${entry.method} ${entry.path}`;
  if (match instanceof RegExp) return match.test(line);
  return line === match || (entry.route !== undefined && `${entry.method} ${entry.route}` === match);
}
