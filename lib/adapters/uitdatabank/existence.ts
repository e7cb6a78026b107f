/**
 * "Does UiTdatabank have this id?", as the mapping admin asks it before it stores a manual mapping, answered by the
 * Entry client. Entry answers 404 with null; an unreachable UiTdatabank throws `UpstreamUnavailable`, which the HTTP
 * stack answers with a 503. Draft or rejected items do exist: the readiness check reports their status.
 */
import type { EntryClient } from './client.js';

export interface Existence {
  exists(id: string): Promise<boolean>;
}

export function uitdatabankExistence(entry: Pick<EntryClient, 'getEvent' | 'getOrganizer'>): {
  events: Existence;
  organizers: Existence;
} {
  return {
    events: { exists: async (id) => live(await entry.getEvent(id)) },
    organizers: { exists: async (id) => live(await entry.getOrganizer(id)) },
  };
}

/** UiTdatabank deletes softly: a `DELETED` event or organizer is still served, but mapping to it is a mistake. */
function live(item: { workflowStatus?: string | undefined } | null): boolean {
  return item !== null && item.workflowStatus !== 'DELETED';
}
