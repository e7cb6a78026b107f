import { createHash } from 'node:crypto';
import type { PeriodLimit } from './model.js';

/** Round to euro cents (prices are floats in the API; keep them free of 0.1 + 0.2 noise). */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** UiTdatabank writes dates with an explicit offset, e.g. `2021-05-17T22:00:00+00:00` (we keep the ms). */
export function formatUdbDate(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

/** UiTPAS writes `2026-08-24T12:57:02Z` (no milliseconds) in its examples. */
export function formatUitpasDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Parses an ISO date-time; `undefined` when it is not one (e.g. a `+` that arrived as a space). */
export function parseDateTime(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    return undefined;
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Limits use rolling windows ending now (DAY = the last 24 h, WEEK = the last 7 days, MONTH = 30 days,
 * QUARTER = 91 days, YEAR = 365 days, ABSOLUTE = forever). The real UiTPAS probably uses calendar periods;
 * rolling windows are simpler to reason about in tests with an injected clock.
 */
export function periodStartMs(limit: PeriodLimit, nowMs: number): number {
  switch (limit.periodType) {
    case 'DAY':
      return nowMs - DAY_MS;
    case 'WEEK':
      return nowMs - 7 * DAY_MS;
    case 'MONTH':
      return nowMs - 30 * DAY_MS;
    case 'QUARTER':
      return nowMs - 91 * DAY_MS;
    case 'YEAR':
      return nowMs - 365 * DAY_MS;
    case 'ABSOLUTE':
      return Number.NEGATIVE_INFINITY;
  }
}

/** Deterministic UUID-shaped id from a seed string (fixture passholder ids, bulk-seeded events). */
export function stableUuid(seed: string): string {
  const hex = createHash('sha1').update(seed).digest('hex');
  const parts = [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `5${hex.slice(13, 16)}`,
    `a${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ];
  return parts.join('-');
}

/** Query-string booleans: `true`/`1` and `false`/`0`; anything else is `undefined` (= invalid). */
export function parseBool(value: string | null): boolean | undefined {
  if (value === null) return undefined;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return undefined;
}

/** Bare id from an UiTdatabank URI like `https://io-test.uitdatabank.be/organizers/{id}` (or a bare id). */
export function idFromUri(value: string, kind: 'events' | 'places' | 'organizers'): string | undefined {
  const singular = kind.slice(0, -1);
  const match = new RegExp(`^https?://[^\\s]+?/(?:${singular}|${kind})/([^/?#\\s]+)/?$`).exec(value);
  return match?.[1];
}
