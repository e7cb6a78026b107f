/**
 * "Does UiTdatabank have this id, and whose event is it?", as the mapping admin asks before it stores a manual
 * mapping, answered by the Entry client. Entry answers 404 with null; an unreachable UiTdatabank throws `UpstreamUnavailable`, which the HTTP
 * stack answers with a 503. Draft or rejected items do exist: the readiness check reports their status.
 */
import { organizerIdOf } from '../../domain/uitdatabank-ids.js';
import type { EntryClient } from './client.js';

export interface Existence {
  exists(id: string): Promise<boolean>;
}

/** A live event's organizer (bare id; null when it has none), for the organizer rule; undefined: no such event. */
export interface EventLookup {
  find(id: string): Promise<{ organizerId: string | null } | undefined>;
}

export function uitdatabankExistence(entry: Pick<EntryClient, 'getEvent' | 'getOrganizer'>): {
  events: EventLookup;
  organizers: Existence;
} {
  return {
    events: {
      async find(id) {
        const event = await entry.getEvent(id);
        return event && live(event) ? { organizerId: organizerIdOf(event) } : undefined;
      },
    },
    organizers: { exists: async (id) => live(await entry.getOrganizer(id)) },
  };
}

/** UiTdatabank deletes softly: a `DELETED` event or organizer is still served, but mapping to it is a mistake. */
function live(item: { workflowStatus?: string | undefined } | null): boolean {
  return item !== null && item.workflowStatus !== 'DELETED';
}
