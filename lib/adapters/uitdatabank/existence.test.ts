import { describe, expect, it } from 'vitest';
import { UpstreamUnavailable } from '../../domain/errors.js';
import { uitdatabankExistence } from './existence.js';

type Found = { workflowStatus?: string; organizer?: { '@id'?: string } } | null;

/** Entry's answers carry much more than the status, which is all the question reads. */
function entryAnswering(events: Record<string, Found>, organizers: Record<string, Found> = {}) {
  return {
    getEvent: async (id: string) => (events[id] ?? null) as never,
    getOrganizer: async (id: string) => (organizers[id] ?? null) as never,
  };
}

describe('whether an UiTdatabank id exists', () => {
  it('finds a draft or approved event with its organizer, and neither an unknown nor a deleted one', async () => {
    const organizer = '5cf42d51-3a4f-46f0-a8af-1cf672be8c84';
    const { events } = uitdatabankExistence(
      entryAnswering({
        draft: { workflowStatus: 'DRAFT' },
        approved: {
          workflowStatus: 'APPROVED',
          organizer: { '@id': `https://io-test.uitdatabank.be/organizers/${organizer}` },
        },
        deleted: { workflowStatus: 'DELETED' },
      }),
    );
    await expect(events.find('draft')).resolves.toEqual({ organizerId: null });
    await expect(events.find('approved')).resolves.toEqual({ organizerId: organizer });
    await expect(events.find('deleted')).resolves.toBeUndefined();
    await expect(events.find('unknown')).resolves.toBeUndefined();
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
    await expect(events.find('any')).rejects.toBeInstanceOf(UpstreamUnavailable);
  });
});
