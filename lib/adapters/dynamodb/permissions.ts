/**
 * UiTPAS `GET /permissions`, cached: it changes rarely (when the servicedesk adds an organisation) and every readiness
 * check needs it. Two layers:
 *
 * - in memory, per container: served without any call while younger than `memoryTtlMs` (default 5 min);
 * - in the table, shared by every container: one item, pk `CACHE#UITPAS_PERMISSIONS`, sk `CACHE`, holding the
 *   normalised list and `fetchedAt`, served while the UiTPAS answer is younger than `maxAgeMs` (default 15 min).
 *
 * Older than that, UiTPAS is asked again and the answer stored. Concurrent callers in one container share one load.
 * Writing the item is best effort (a failed write is logged, the answer still served) and never replaces a newer
 * answer with an older one; otherwise the last writer wins: it is a cache.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type PermittedOrganizer, unionOfCardSystemLimits } from '../../domain/readiness.js';
import { logger } from '../../logger.js';
import type { OrganizerPermissions, PermissionDetail } from '../uitpas/schemas.js';
import type { Table } from './table.js';

export const PERMISSIONS_CACHE_KEY = { pk: 'CACHE#UITPAS_PERMISSIONS', sk: 'CACHE' } as const;

export const DEFAULT_MEMORY_TTL_MS = 5 * 60_000;
export const DEFAULT_MAX_AGE_MS = 15 * 60_000;

export interface CachedPermissions {
  organizers: PermittedOrganizer[];
  /** When UiTPAS gave this answer (ISO). */
  fetchedAt: string;
}

export interface PermissionsCacheOptions {
  table: Table;
  uitpas: { getPermissions(): Promise<OrganizerPermissions[]> };
  /** Default 5 min. */
  memoryTtlMs?: number;
  /** Default 15 min. */
  maxAgeMs?: number;
  /** Clock in epoch ms, for tests. */
  now?: () => number;
}

export interface PermissionsCache {
  /**
   * The cached answer when fresh enough, else a new one from UiTPAS. `maxAgeMs`: the oldest UiTPAS answer the caller
   * accepts (default: the cache's, 15 min). Throws what the UiTPAS client throws when it has to ask and cannot.
   */
  getPermissions(options?: { maxAgeMs?: number }): Promise<CachedPermissions>;
  /** Always asks UiTPAS (the sync calls it every run) and stores the answer. */
  refresh(): Promise<CachedPermissions>;
}

/**
 * One entry per organizer, linked organizers flattened in (brief §4.7), with the permissions of
 * `permissionDetails[].id` and of the deprecated `permissions[]`. An organizer listed more than once gets the union.
 *
 * Card systems: `permissionDetails[].cardSystemIds` limits a permission to those card systems. The OAS describes the
 * field only as the card systems the permission applies to, does not require it, and says nothing of a detail without
 * it or with `[]`. We read both as "not limited" (an assumption, listed in sandbox/README.md among where the sandbox is
 * not publiq). Reading them as "not limited" at worst leaves the decision to UiTPAS, which checks every request
 * anyway; reading `[]` as "no card system" would have the till refuse sales on a guess. A permission only in the deprecated `permissions[]` carries no card systems and counts as
 * not limited, unless the same listing's `permissionDetails` names it (with its limit). Over several
 * listings of one organizer a grant without limit wins, and limits add up (`unionOfCardSystemLimits`).
 */
export function normalisePermissions(response: readonly OrganizerPermissions[]): PermittedOrganizer[] {
  interface Entry {
    organizerId: string;
    name: string;
    /** Per permission, each grant's card systems; undefined: a grant without limit. */
    grants: Map<string, (readonly number[] | undefined)[]>;
  }
  const byId = new Map<string, Entry>();
  const add = (
    organizer: { id: string; name?: string | undefined },
    details: readonly PermissionDetail[],
    deprecated: readonly (string | undefined)[] = [],
  ) => {
    const key = organizer.id.toLowerCase();
    const entry = byId.get(key) ?? { organizerId: organizer.id, name: '', grants: new Map() };
    if (!entry.name && organizer.name) entry.name = organizer.name;
    const grant = (permission: string, cardSystemIds: readonly number[] | undefined) => {
      entry.grants.set(permission, [...(entry.grants.get(permission) ?? []), cardSystemIds]);
    };
    for (const detail of details) if (detail.id) grant(detail.id, detail.cardSystemIds);
    const detailed = new Set(details.map((detail) => detail.id));
    for (const permission of deprecated)
      if (permission && !detailed.has(permission)) grant(permission, undefined);
    byId.set(key, entry);
  };
  for (const entry of response) {
    add(entry.organizer, entry.permissionDetails ?? [], entry.permissions ?? []);
    for (const linked of entry.linkedOrganizers ?? []) add(linked.organizer, linked.permissionDetails ?? []);
  }
  return [...byId.values()]
    .map((entry): PermittedOrganizer => {
      const cardSystemLimits: Record<string, number[]> = {};
      for (const [permission, grants] of [...entry.grants].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const limit = unionOfCardSystemLimits(grants);
        if (limit) cardSystemLimits[permission] = limit;
      }
      return {
        organizerId: entry.organizerId,
        name: entry.name,
        permissions: [...entry.grants.keys()].sort(),
        // Left out when nothing is limited: the item stays as small as before, and reads as "not limited".
        ...(Object.keys(cardSystemLimits).length > 0 ? { cardSystemLimits } : {}),
      };
    })
    .sort((a, b) => (a.organizerId < b.organizerId ? -1 : a.organizerId > b.organizerId ? 1 : 0));
}

function isCardSystemLimits(value: unknown): value is Record<string, number[]> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every(
      (ids) => Array.isArray(ids) && ids.length > 0 && ids.every((id) => Number.isInteger(id)),
    )
  );
}

/** A stored item we cannot read is treated as absent: the cache refills it. */
function fromItem(item: Record<string, unknown> | undefined): CachedPermissions | undefined {
  if (!item || typeof item.fetchedAt !== 'string' || !Array.isArray(item.organizers)) return undefined;
  const organizers: PermittedOrganizer[] = [];
  for (const raw of item.organizers as unknown[]) {
    const entry = raw as Partial<PermittedOrganizer> | null;
    if (
      !entry ||
      typeof entry.organizerId !== 'string' ||
      !Array.isArray(entry.permissions) ||
      !entry.permissions.every((permission) => typeof permission === 'string')
    )
      return undefined;
    // An item stored before card systems were kept has no `cardSystemLimits`: nothing limited, as its permissions
    // were read then. Present but malformed, the item is unreadable (refilled), rather than read as "not limited".
    const limits = entry.cardSystemLimits;
    if (limits !== undefined && !isCardSystemLimits(limits)) return undefined;
    organizers.push({
      organizerId: entry.organizerId,
      name: typeof entry.name === 'string' ? entry.name : '',
      permissions: entry.permissions,
      ...(limits && Object.keys(limits).length > 0 ? { cardSystemLimits: limits } : {}),
    });
  }
  return { organizers, fetchedAt: item.fetchedAt };
}

export function createPermissionsCache(options: PermissionsCacheOptions): PermissionsCache {
  const { doc, name: TableName } = options.table;
  const now = options.now ?? Date.now;
  const memoryTtlMs = options.memoryTtlMs ?? DEFAULT_MEMORY_TTL_MS;
  const defaultMaxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;

  let memory: { value: CachedPermissions; loadedAt: number } | undefined;
  let fetching: Promise<CachedPermissions> | undefined;
  let reading: Promise<CachedPermissions | undefined> | undefined;

  const age = (value: CachedPermissions) => now() - Date.parse(value.fetchedAt);

  /** Keeps the newest answer seen, and restarts its time in memory. */
  function remember(value: CachedPermissions): CachedPermissions {
    const newest =
      memory && Date.parse(memory.value.fetchedAt) > Date.parse(value.fetchedAt) ? memory.value : value;
    memory = { value: newest, loadedAt: now() };
    return newest;
  }

  /** A table that cannot be read only costs a call to UiTPAS. */
  async function readTable(): Promise<CachedPermissions | undefined> {
    try {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: PERMISSIONS_CACHE_KEY }));
      return fromItem(Item);
    } catch (error) {
      logger.warn('Cached UiTPAS permissions not readable from the table', { error: error as Error });
      return undefined;
    }
  }

  async function store(value: CachedPermissions): Promise<void> {
    try {
      await doc.send(
        new UpdateCommand({
          TableName,
          Key: PERMISSIONS_CACHE_KEY,
          UpdateExpression: 'SET #kind = :kind, organizers = :organizers, fetchedAt = :fetchedAt',
          // Never replace a newer answer (another container's) with this one.
          ConditionExpression: 'attribute_not_exists(fetchedAt) OR fetchedAt < :fetchedAt',
          ExpressionAttributeNames: { '#kind': 'kind' },
          ExpressionAttributeValues: {
            ':kind': 'cache',
            ':organizers': value.organizers,
            ':fetchedAt': value.fetchedAt,
          },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return;
      logger.warn('UiTPAS permissions not cached in the table', { error: error as Error });
    }
  }

  async function fetchAndStore(): Promise<CachedPermissions> {
    const response = await options.uitpas.getPermissions();
    const value = { organizers: normalisePermissions(response), fetchedAt: new Date(now()).toISOString() };
    await store(value);
    return remember(value);
  }

  function refresh(): Promise<CachedPermissions> {
    fetching ??= fetchAndStore().finally(() => {
      fetching = undefined;
    });
    return fetching;
  }

  return {
    async getPermissions(request = {}) {
      const maxAgeMs = request.maxAgeMs ?? defaultMaxAgeMs;
      if (memory && now() - memory.loadedAt < memoryTtlMs && age(memory.value) <= maxAgeMs) {
        return memory.value;
      }
      if (fetching) return fetching;
      reading ??= readTable().finally(() => {
        reading = undefined;
      });
      const stored = await reading;
      if (stored && age(stored) <= maxAgeMs) return remember(stored);
      return refresh();
    },
    refresh,
  };
}
