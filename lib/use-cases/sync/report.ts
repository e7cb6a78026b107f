/**
 * What a sync run did, collected while it runs and returned (and logged) at the end. One bad event never aborts the
 * run: it lands here, in `skipped` (it cannot be pushed as it is: a configuration problem to fix, with the reason)
 * or in `failed` (something went wrong while pushing or refreshing it; `transient` ones are tried again next run).
 */
import { UpstreamProblem, UpstreamUnavailable } from '../../domain/errors.js';

export type SyncPhase = 'lease' | 'load' | 'permissions' | 'push' | 'refresh' | 'assess';

/**
 * Why a run stopped starting work: its time is up, another run took the lease, the lease could not be renewed (a
 * DynamoDB error: the lease may be lost, so this run stops), or an error outside any one event (see `failed`).
 */
export type StopReason = 'deadline' | 'lease-lost' | 'lease-error' | 'error';

export interface SkippedEvent {
  eventId: string;
  /** A stable code: a `PushSkipCode`, `refused`, `push-in-progress`, `changed-during-run`. */
  code: string;
  reason: string;
}

export interface FailedEvent {
  /** The ticketing event; `*` for a failure that is not about one event (permissions, a feed page). */
  eventId: string;
  phase: SyncPhase;
  error: string;
  /** The problem `type` when UiTdatabank or UiTPAS answered one. */
  type?: string;
  /** True when it is worth trying again as it is (no usable answer); those stay pending for the next run. */
  transient: boolean;
}

export interface FeedFigures {
  /** Where the run started reading the change feed and where it left the high-water mark. */
  from: string;
  to: string;
  pages: number;
  /** Items the feed returned (boundary and overlap included) and those of them assessed for one of our events. */
  items: number;
  matched: number;
}

export interface SweepFigures {
  /** Our mapped UiTdatabank ids looked up this run, and events assessed because what Search shows was not seen yet. */
  checked: number;
  assessed: number;
}

export interface SyncSummary {
  outcome: 'completed' | 'incomplete';
  /** Why an incomplete run stopped early; the rest is picked up by the next run. */
  stopReason?: StopReason;
  owner: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Events created in UiTdatabank, and events whose lost create was found in UiTdatabank and stored instead. */
  pushed: number;
  adopted: number;
  /** Synced events with at least one field sent again. */
  updated: number;
  /** Readiness assessments stored (from the change feed, and for events that changed on our side). */
  refreshed: number;
  skipped: SkippedEvent[];
  failed: FailedEvent[];
  warnings: string[];
  /** Events labelled uitDB / UiTPAS events with an UiTdatabank id, as read this run. */
  events: { organisations: number; uitdb: number; uitpasMapped: number };
  feed?: FeedFigures;
  /** The daily sweep of our mapped ids, when this run did part of it. */
  sweep?: SweepFigures;
  permissions: 'refreshed' | 'failed';
  /** Calls made by the sync's clients, by client method. */
  upstreamCalls: Record<string, number>;
  phaseMs: Record<string, number>;
}

export interface LeaseHeld {
  outcome: 'lease-held';
  skipped: 'another run holds the lease';
  owner: string;
  holder: string;
  leaseExpiresAt: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}

export type SyncResult = SyncSummary | LeaseHeld;

/** The full type when publiq answered one, else the error's own message; never a stack. */
export function describeError(error: unknown): { error: string; type?: string; transient: boolean } {
  if (error instanceof UpstreamProblem) return { error: error.message, type: error.type, transient: false };
  if (error instanceof UpstreamUnavailable) return { error: error.message, transient: true };
  if (error instanceof Error) return { error: `${error.name}: ${error.message}`, transient: false };
  return { error: String(error), transient: false };
}

export class SyncReport {
  pushed = 0;
  adopted = 0;
  updated = 0;
  refreshed = 0;
  feed: FeedFigures | undefined;
  sweep: SweepFigures | undefined;
  readonly skipped: SkippedEvent[] = [];
  readonly failed: FailedEvent[] = [];
  readonly warnings: string[] = [];
  readonly upstreamCalls: Record<string, number> = {};
  readonly phaseMs: Record<string, number> = {};

  skip(eventId: string, code: string, reason: string): void {
    this.skipped.push({ eventId, code, reason });
  }

  fail(eventId: string, phase: SyncPhase, error: unknown, prefix?: string): FailedEvent {
    const described = describeError(error);
    const entry: FailedEvent = {
      eventId,
      phase,
      error: prefix ? `${prefix}: ${described.error}` : described.error,
      ...(described.type ? { type: described.type } : {}),
      transient: described.transient,
    };
    this.failed.push(entry);
    return entry;
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  count(call: string): void {
    this.upstreamCalls[call] = (this.upstreamCalls[call] ?? 0) + 1;
  }
}

/** The summary as it goes to the log: long lists cut short (the full lists are in the returned summary). */
export function forLog(summary: SyncResult, maxEntries = 50): Record<string, unknown> {
  if (summary.outcome === 'lease-held') return { ...summary };
  const cut = <T>(list: T[]) => (list.length > maxEntries ? list.slice(0, maxEntries) : list);
  return {
    ...summary,
    skipped: cut(summary.skipped),
    failed: cut(summary.failed),
    warnings: cut(summary.warnings),
    counts: {
      skipped: summary.skipped.length,
      failed: summary.failed.length,
      transient: summary.failed.filter((failure) => failure.transient).length,
      warnings: summary.warnings.length,
    },
  };
}
