import { describe, expect, it } from 'vitest';
import { UpstreamUnavailable } from '../../domain/errors.js';
import { uitdatabankExistence } from './existence.js';

type Found = { workflowStatus?: string } | null;

/** Entry's answers carry much more than the status, which is all the question reads. */
function entryAnswering(events: Record<string, Found>, organizers: Record<string, Found> = {}) {
  return {
    getEvent: async (id: string) => (events[id] ?? null) as never,
    getOrganizer: async (id: string) => (organizers[id] ?? null) as never,
  };
}

describe('whether an UiTdatabank id exists', () => {
  it('counts a draft or approved event, and neither an unknown nor a deleted one', async () => {
    const { events } = uitdatabankExistence(
      entryAnswering({
        draft: { workflowStatus: 'DRAFT' },
        approved: { workflowStatus: 'APPROVED' },
        deleted: { workflowStatus: 'DELETED' },
      }),
    );
    await expect(events.exists('draft')).resolves.toBe(true);
    await expect(events.exists('approved')).resolves.toBe(true);
    await expect(events.exists('deleted')).resolves.toBe(false);
    await expect(events.exists('unknown')).resolves.toBe(false);
  });

  it('asks for organizers on the organizer route, and a deleted one does not count', async () => {
    const { organizers } = uitdatabankExistence(
      entryAnswering(
        { 'org-1': { workflowStatus: 'DRAFT' } },
        { 'org-1': { workflowStatus: 'DELETED' }, 'org-2': {} },
      ),
    );
    await expect(organizers.exists('org-1')).resolves.toBe(false);
    await expect(organizers.exists('org-2')).resolves.toBe(true);
  });

  it('lets an unreachable UiTdatabank fail the question instead of answering no', async () => {
    const { events } = uitdatabankExistence({
      getEvent: async () => {
        throw new UpstreamUnavailable('uitdatabank-entry', 'timeout', false);
      },
      getOrganizer: async () => null,
    });
    await expect(events.exists('any')).rejects.toBeInstanceOf(UpstreamUnavailable);
  });
});
