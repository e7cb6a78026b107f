import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalTable, type LocalDynamo, startLocalDynamo } from '../../../local/dynamo.js';
import { type AuditEntry, type AuditRepository, createAuditRepository } from './audit.js';

let dynamo: LocalDynamo;
let audit: AuditRepository;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  audit = createAuditRepository(await createLocalTable(dynamo.endpoint, 'store-audit-test'));
});
afterAll(() => dynamo.close());

const entry = (version: number, overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  entity: 'event',
  entityId: 'ev-1',
  action: version === 1 ? 'create' : 'update',
  at: `2026-05-0${version}T10:00:00.000Z`,
  version,
  actor: { clientName: 'admin-screen', keyId: 'abc123' },
  organisationIds: ['org-a'],
  changes: { name: { before: `v${version - 1}`, after: `v${version}` } },
  ...overrides,
});

describe('the audit trail', () => {
  it('keeps one item when the same entry is written twice (a retry)', async () => {
    await audit.record(entry(1, { entityId: 'ev-retry' }));
    await audit.record(entry(1, { entityId: 'ev-retry' }));
    const page = await audit.list('event', 'ev-retry', { limit: 10, organisationIds: 'all' });
    expect(page.items).toHaveLength(1);
  });

  it('lists an entity’s history newest first, page by page', async () => {
    for (const version of [1, 2, 3]) await audit.record(entry(version));
    const first = await audit.list('event', 'ev-1', { limit: 2, organisationIds: 'all' });
    expect(first.items.map((item) => item.version)).toEqual([3, 2]);
    expect(first.items[0]).toEqual(entry(3));
    const second = await audit.list('event', 'ev-1', {
      limit: 2,
      organisationIds: 'all',
      cursor: first.nextCursor ?? '',
    });
    expect(second.items.map((item) => item.version)).toEqual([1]);
    expect(second.nextCursor).toBeNull();
  });

  it('shows only the entries of organisations the caller may act for', async () => {
    await audit.record(entry(1, { entityId: 'ev-moved', organisationIds: ['org-a'] }));
    await audit.record(entry(2, { entityId: 'ev-moved', organisationIds: ['org-a', 'org-b'] }));
    await audit.record(entry(3, { entityId: 'ev-moved', organisationIds: ['org-b'] }));
    const forA = await audit.list('event', 'ev-moved', { limit: 10, organisationIds: ['org-a'] });
    expect(forA.items.map((item) => item.version)).toEqual([2, 1]);
    const forC = await audit.list('event', 'ev-moved', { limit: 10, organisationIds: ['org-c'] });
    expect(forC.items).toEqual([]);
  });
});
