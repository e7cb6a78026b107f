/**
 * One run's shared state: its dependencies (clients counted), options, report, the lease checkpoint, and what it
 * read from the table (organisations, the events labelled UiTPAS or uitDB with the sync's state, promotors on demand).
 */

import type { Organisation, Promotor } from '../../domain/mappings.js';
import { logger } from '../../logger.js';
import type { ResolvedOptions, SyncDeps } from './deps.js';
import type { PushedState, SyncEventItem } from './ports.js';
import type { StopReason, SyncReport } from './report.js';

export interface RunContext {
  deps: SyncDeps;
  options: ResolvedOptions;
  report: SyncReport;
  now(): Date;
  /** Call before starting a unit of work: renews the lease when due; false once the run must stop starting work. */
  proceed(): Promise<boolean>;
  /** Stop starting work from now on (an error outside one event); the run still ends with its summary. */
  stop(reason: StopReason): void;
  stopReason(): StopReason | undefined;
  organisations: Map<string, Organisation>;
  promotor(promotorId: string): Promise<Promotor | undefined>;
  /** What the organisation's deleted events had pushed (`listRetiredPushes`), read once per run when first asked. */
  retiredPushes(organisationId: string): Promise<Map<string, PushedState>>;
  /** Every event labelled UiTPAS or uitDB, updated in place when the run stores something on it. */
  items: SyncEventItem[];
  /** Lower-case UiTdatabank ids mapped to any of our events (never adopt one of these as an orphan). */
  knownUitdatabankIds: Set<string>;
}

export function createRunContext(input: {
  deps: SyncDeps;
  options: ResolvedOptions;
  report: SyncReport;
  now: () => Date;
}): RunContext {
  const { deps, options, now, report } = input;
  const promotors = new Map<string, Promise<Promotor | undefined>>();
  const retired = new Map<string, Promise<Map<string, PushedState>>>();
  let stop: StopReason | undefined;
  let lastRenewal = now().getTime();
  let renewing: Promise<void> | undefined;

  async function renew(): Promise<void> {
    const at = now().getTime();
    let renewed: boolean;
    try {
      renewed = await deps.store.renewLease(options.owner, options.leaseTtlMs, at);
    } catch (error) {
      // Whether the lease is still ours is unknown: stop starting work (what runs finishes), and say why.
      stop ??= 'lease-error';
      report.fail('*', 'lease', error, 'renewing the run lease; the run stopped starting work');
      return;
    }
    if (renewed) lastRenewal = at;
    else {
      stop ??= 'lease-lost';
      logger.warn('Sync lease lost: another run took over; stopping', { owner: options.owner });
    }
  }

  return {
    ...input,
    async proceed() {
      if (stop) return false;
      const at = now().getTime();
      if (at >= options.deadline) {
        stop = 'deadline';
        return false;
      }
      if (options.lease && at - lastRenewal >= options.leaseTtlMs / 3) {
        renewing ??= renew().finally(() => {
          renewing = undefined;
        });
        await renewing;
      }
      return stop === undefined;
    },
    stop(reason) {
      stop ??= reason;
    },
    stopReason: () => stop,
    organisations: new Map(),
    promotor: (promotorId) => onceEach(promotors, promotorId, (id) => deps.mappings.getPromotor(id)),
    retiredPushes: (organisationId) =>
      onceEach(retired, organisationId, (id) => deps.store.listRetiredPushes(id)),
    items: [],
    knownUitdatabankIds: new Set(),
  };
}

/** One read per key for the whole run, shared by concurrent callers; a failed read is not kept: the next asks again. */
function onceEach<T>(
  cache: Map<string, Promise<T>>,
  key: string,
  read: (key: string) => Promise<T>,
): Promise<T> {
  let found = cache.get(key);
  if (!found) {
    found = read(key);
    cache.set(key, found);
    found.catch(() => cache.delete(key));
  }
  return found;
}

/**
 * Runs `work` on every item, `concurrency` at a time, in order of the list. `work` must not throw (it reports its own
 * failures); anything it throws anyway is handed to `onError`. Stops starting new items once `proceed` says so.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  concurrency: number,
  proceed: () => Promise<boolean>,
  work: (item: T) => Promise<void>,
  onError: (item: T, error: unknown) => void,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (;;) {
      const index = next;
      next += 1;
      if (index >= items.length) return;
      const item = items[index] as T;
      try {
        // `proceed` may write (the lease renewal): whatever it throws is the item's failure, never the run's.
        if (!(await proceed())) return;
        await work(item);
      } catch (error) {
        onError(item, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
