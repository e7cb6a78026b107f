/**
 * What the mapping admin needs from UiTdatabank: does an id exist? The use cases depend on these ports only; this
 * file adapts the Entry client (lib/adapters/uitdatabank) to them. Entry answers 404 with null; an unreachable UiTdatabank
 * throws `UpstreamUnavailable`, which the HTTP stack answers with a 503. Draft or rejected items do exist: the
 * readiness check reports their status.
 */

import { type EntryClient, entryClientFromConfig } from '../../adapters/uitdatabank/client.js';
import { tokenProviderFromConfig } from '../../adapters/uitpas/token.js';
import { publiqConfig } from '../../config.js';

export interface UitdatabankEventsPort {
  exists(uitdatabankEventId: string): Promise<boolean>;
}

export interface UitdatabankOrganizersPort {
  exists(uitdatabankOrganizerId: string): Promise<boolean>;
}

export function uitdatabankPorts(entry: Pick<EntryClient, 'getEvent' | 'getOrganizer'>): {
  events: UitdatabankEventsPort;
  organizers: UitdatabankOrganizersPort;
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

/** The ports for this environment (sandbox, test or production), sharing one token per container. */
export function uitdatabankPortsFromConfig() {
  const config = publiqConfig();
  return uitdatabankPorts(entryClientFromConfig(config, tokenProviderFromConfig(config)));
}
