/**
 * What the sync depends on (ports: the real clients and repositories in AWS and in the integration tests) and the
 * knobs of one run, with their defaults.
 */
import type { MappingDeps } from '../mappings/deps.js';
import type { assessEvent } from '../readiness/assess.js';
import type { PermissionsCache } from '../store/permissions.js';
import type { ReadinessRepository } from '../store/readiness.js';
import type { SyncStore } from '../store/sync.js';
import {
  type EntryClient,
  SEARCH_LIMIT_MAX,
  SEARCH_START_MAX,
  type SearchClient,
} from '../uitdatabank/client.js';
import type { UitpasClient } from '../uitpas/client.js';
import type { SyncReport } from './report.js';

export type SyncEntry = Pick<
  EntryClient,
  'createEvent' | 'updateName' | 'updateCalendar' | 'updatePriceInfo' | 'updateOrganizer' | 'getEvent'
>;
export type SyncSearch = Pick<SearchClient, 'searchEvents'>;
export type SyncUitpas = Pick<UitpasClient, 'getEventCardSystems'>;

export interface SyncDeps {
  /** The mapping repository (events, organisations, promotors) and the audit trail, for `recordSyncedUitdatabankId`. */
  mappings: MappingDeps['mappings'];
  audit: MappingDeps['audit'];
  store: SyncStore;
  entry: SyncEntry;
  search: SyncSearch;
  uitpas: SyncUitpas;
  /** Where `assessEvent` keeps its verdict on the event. */
  snapshots: Pick<ReadinessRepository, 'storeSnapshot'>;
  /** The cached `GET /permissions`: refreshed once per run, then read by every assessment. */
  permissions: Pick<PermissionsCache, 'refresh' | 'getPermissions'>;
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
   * How long after a create that may have been applied the next run waits before it looks for the event in Search
   * (Search indexes new events after a short delay). Default 2 min.
   */
  orphanSearchDelayMs?: number;
  /** Events worked on at once. Default 8. */
  concurrency?: number;
  /** Search page size and `start` cap: the real limits unless a test makes them small. */
  feedPageLimit?: number;
  feedStartMax?: number;
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
    orphanSearchDelayMs: options.orphanSearchDelayMs ?? 2 * 60_000,
    concurrency: Math.max(1, options.concurrency ?? 8),
    feedPageLimit: Math.min(SEARCH_LIMIT_MAX, Math.max(1, options.feedPageLimit ?? SEARCH_LIMIT_MAX)),
    feedStartMax: Math.min(SEARCH_START_MAX, Math.max(0, options.feedStartMax ?? SEARCH_START_MAX)),
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
