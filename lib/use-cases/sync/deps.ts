/**
 * What the sync depends on (its ports, lib/use-cases/sync/ports.ts: the real clients and repositories in AWS and in
 * the integration tests) and the knobs of one run, with their defaults.
 */

import { SEARCH_LIMIT_MAX, SEARCH_START_MAX } from '../../domain/uitdatabank-search.js';
import type { assessEvent } from '../readiness/assess.js';
import type {
  SyncAudit,
  SyncEntry,
  SyncMappings,
  SyncPermissions,
  SyncSearch,
  SyncStore,
  SyncUitpas,
} from './ports.js';
import type { SyncReport } from './report.js';

export interface SyncDeps {
  /** The mapping repository (events, organisations, promotors) and the audit trail, for `recordSyncedUitdatabankId`. */
  mappings: SyncMappings;
  audit: SyncAudit;
  store: SyncStore;
  entry: SyncEntry;
  search: SyncSearch;
  uitpas: SyncUitpas;
  /** The cached `GET /permissions`: refreshed once per run, then read by every assessment. */
  permissions: SyncPermissions;
  /** The readiness check; `assessEvent` unless a test replaces it. */
  assess?: typeof assessEvent;
  now?: () => Date;
}

export interface SyncProgress {
  phase: 'lease' | 'load' | 'permissions' | 'push' | 'refresh' | 'assess' | 'done';
  message: string;
  /** For phases that work through a list: how far they are. */
  done?: number;
  total?: number;
}

export interface SyncOptions {
  /** Who this run is, in the lease and in push claims; default: host, pid and a random suffix. */
  owner?: string;
  /** How long the run lease lasts without renewal; renewed whenever a third of it has passed. Default 2 min. */
  leaseTtlMs?: number;
  /** false: run without the lease (tests of the per-event push claims). Default true. */
  lease?: boolean;
  /** How long a push claim protects an in-flight `POST /events` before another run may look for an orphan. 10 min. */
  claimTtlMs?: number;
  /**
   * How long after a create that may have been applied a run waits before it concludes from an empty Search that
   * the create did not happen, and creates again. Search indexes new events after a delay that is usually seconds
   * but is not bounded anywhere: an orphan searched for too early is created a second time. Default 15 min.
   */
  orphanSearchDelayMs?: number;
  /** Events worked on at once. Default 8. */
  concurrency?: number;
  /**
   * Change feed page size (default 500: 2,000 embedded events are several MB to fetch and parse within one timeout,
   * 3.2 MB from the sandbox and more from UiTdatabank, whose events carry descriptions, images and sub-events) and
   * `start` cap (Search's 10,000 unless a test makes it small).
   */
  feedPageLimit?: number;
  feedStartMax?: number;
  /** Organizer ids per change feed query (`q=organizer.id:(A OR B ...)`), which keeps the URL short. Default 100. */
  feedOrganizersPerQuery?: number;
  /** How often the sweep of all our mapped ids starts again (catches events moved to another organizer). 24 h. */
  sweepIntervalMs?: number;
  /** How many of our mapped ids the sweep looks up per run (100 per Search request). Default 500. */
  sweepBatch?: number;
  /** First run only: how far before the run's start the change feed begins. Default 1 min (clock skew). */
  initialLookbackMs?: number;
  /** Epoch ms after which no new work is started (the Lambda timeout minus a margin); what is left stays pending. */
  deadline?: number;
  onProgress?: (progress: SyncProgress) => void;
}

export interface ResolvedOptions {
  owner: string;
  leaseTtlMs: number;
  lease: boolean;
  claimTtlMs: number;
  orphanSearchDelayMs: number;
  concurrency: number;
  feedPageLimit: number;
  feedStartMax: number;
  feedOrganizersPerQuery: number;
  sweepIntervalMs: number;
  sweepBatch: number;
  initialLookbackMs: number;
  deadline: number;
  onProgress: (progress: SyncProgress) => void;
}

export function resolveOptions(options: SyncOptions, defaultOwner: () => string): ResolvedOptions {
  return {
    owner: options.owner ?? defaultOwner(),
    leaseTtlMs: options.leaseTtlMs ?? 120_000,
    lease: options.lease ?? true,
    claimTtlMs: options.claimTtlMs ?? 10 * 60_000,
    orphanSearchDelayMs: options.orphanSearchDelayMs ?? 15 * 60_000,
    concurrency: Math.max(1, options.concurrency ?? 8),
    feedPageLimit: Math.min(SEARCH_LIMIT_MAX, Math.max(1, options.feedPageLimit ?? 500)),
    feedStartMax: Math.min(SEARCH_START_MAX, Math.max(0, options.feedStartMax ?? SEARCH_START_MAX)),
    feedOrganizersPerQuery: Math.max(1, options.feedOrganizersPerQuery ?? 100),
    sweepIntervalMs: Math.max(0, options.sweepIntervalMs ?? 24 * 60 * 60_000),
    sweepBatch: Math.max(0, options.sweepBatch ?? 500),
    initialLookbackMs: options.initialLookbackMs ?? 60_000,
    deadline: options.deadline ?? Number.POSITIVE_INFINITY,
    onProgress: options.onProgress ?? (() => {}),
  };
}

/** The same client, counting each call by `<name>.<method>` in the report. */
export function counted<T extends object>(name: string, client: T, report: SyncReport): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        report.count(`${name}.${String(property)}`);
        return (value as (...inner: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
