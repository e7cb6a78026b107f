/**
 * What the readiness check reads and where it keeps its verdict: the stored events, organisations and promotors, the
 * UiTdatabank event (Entry), the UiTPAS card systems of the event and the cached UiTPAS permissions. The DynamoDB
 * repositories and the upstream clients in lib/adapters provide them as they are.
 */
import type { MappingLabel, Organisation, Promotor, TicketingEvent } from '../../domain/mappings.js';
import type { Page } from '../../domain/page.js';
import type { CardSystemFacts, PermittedOrganizer } from '../../domain/readiness.js';
import type { ReadinessSnapshot } from '../../domain/readiness-snapshot.js';

/** The UiTPAS-labelled events of one organisation, a page at a time. */
export interface OrganisationEventsQuery {
  organisationIds: readonly string[];
  label?: MappingLabel | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface ReadinessMappings {
  getEvent(eventId: string): Promise<TicketingEvent | undefined>;
  getOrganisation(organisationId: string): Promise<Organisation | undefined>;
  getPromotor(promotorId: string): Promise<Promotor | undefined>;
  listMappingEvents(query: OrganisationEventsQuery): Promise<Page<TicketingEvent>>;
}

export interface ReadinessSnapshots {
  /**
   * Keeps the snapshot on the event, unless the event is gone, is at another version than the snapshot's, or has a
   * later check of that version already: `stored` says which.
   */
  storeSnapshot(eventId: string, snapshot: ReadinessSnapshot): Promise<{ stored: boolean }>;
}

/** The part of an UiTdatabank event (JSON-LD, as Entry serves it) the checklist reads. */
export interface UitdatabankEventDocument {
  '@id': string;
  workflowStatus?: string | undefined;
  priceInfo?: readonly { category: string; price: number }[] | undefined;
  /** A dummy (legacy) organizer has no `@id`. */
  organizer?: { '@id'?: string | undefined } | undefined;
}

export interface UitdatabankEvents {
  /** Null on 404. */
  getEvent(uitdatabankEventId: string): Promise<UitdatabankEventDocument | null>;
}

export interface UitpasCardSystems {
  /** Null on 404 event-not-found: UiTPAS does not know the event. */
  getEventCardSystems(uitdatabankEventId: string): Promise<readonly CardSystemFacts[] | null>;
}

export interface UitpasPermissions {
  /** What our UiTPAS client may do, per organizer, linked organizers flattened in. */
  getPermissions(): Promise<{ organizers: readonly PermittedOrganizer[] }>;
}
