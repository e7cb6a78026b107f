/**
 * What the mapping admin needs from the outside: a store of events, organisations and promotors, an audit trail,
 * and UiTdatabank to say whether an id it is given exists. The DynamoDB repositories and the Entry client
 * (lib/adapters) provide them; the composition root of each function passes them in.
 */
import type { AuditEntry } from '../../domain/audit.js';
import type {
  EntityKind,
  MappingLabel,
  Organisation,
  Promotor,
  TicketingEvent,
} from '../../domain/mappings.js';
import type { Page } from '../../domain/page.js';

/** `consistent`: for a read that a conditional write will follow. */
export interface ReadOptions {
  consistent?: boolean;
}

export interface EventListQuery {
  /** The organisations to list, already limited to those the caller may act for. */
  organisationIds: readonly string[];
  /** Undefined: both. */
  mapped?: boolean | undefined;
  /** Only events carrying this label; undefined: `UiTPAS` or `uitDB`. */
  label?: MappingLabel | undefined;
  limit: number;
  cursor?: string | undefined;
}

export type SyncedIdResult =
  | { outcome: 'stored'; event: TicketingEvent; previous: TicketingEvent }
  | { outcome: 'unchanged'; event: TicketingEvent }
  /** A person mapped this event by hand: the sync must leave it alone. */
  | { outcome: 'manual-mapping-kept'; event: TicketingEvent }
  /** The sync stored another id for this event meanwhile (another run): that one stays. */
  | { outcome: 'other-id-kept'; event: TicketingEvent }
  | { outcome: 'version-conflict'; currentVersion: number | undefined }
  | { outcome: 'not-found' };

/**
 * Every write is conditional: `previousVersion` undefined creates, else it replaces exactly that version, and a
 * lost race throws the 409 of `versionConflict` (lib/domain/mappings.ts). Deletes are conditional on `version` alike.
 */
export interface MappingStore {
  getEvent(eventId: string, options?: ReadOptions): Promise<TicketingEvent | undefined>;
  putEvent(event: TicketingEvent, previousVersion: number | undefined): Promise<void>;
  deleteEvent(eventId: string, version: number): Promise<void>;
  /**
   * Stores the UiTdatabank id the sync created or found, unless a person mapped the event by hand; the refusal is a
   * condition on the write itself, so a manual mapping wins even against a concurrent admin save.
   */
  setSyncedUitdatabankId(
    eventId: string,
    uitdatabankId: string,
    expectedVersion: number,
    /** Default: the current time. */
    now?: Date,
  ): Promise<SyncedIdResult>;
  /**
   * One organisation per UiTdatabank event: claims it for `owner`'s organisation when nobody holds it or that
   * organisation does; with `takeOverFrom`, only while that holder still holds it. Otherwise answers the holder.
   */
  claimUitdatabankEvent(
    uitdatabankId: string,
    owner: UitdatabankClaim,
    takeOverFrom?: UitdatabankClaim,
  ): Promise<{ claimed: true } | { claimed: false; holder: UitdatabankClaim | undefined }>;
  /** The external-mapping list: events labelled `UiTPAS` or `uitDB`, organisation by organisation, by start. */
  listMappingEvents(query: EventListQuery): Promise<Page<TicketingEvent>>;
  /** True when the organisation still has an event in the external-mapping list. */
  hasMappingEvents(organisationId: string): Promise<boolean>;

  getOrganisation(organisationId: string, options?: ReadOptions): Promise<Organisation | undefined>;
  putOrganisation(organisation: Organisation, previousVersion: number | undefined): Promise<void>;
  deleteOrganisation(organisationId: string, version: number): Promise<void>;
  /** Every organisation, by id: for keys that may act for all. */
  listAllOrganisations(): Promise<Organisation[]>;

  getPromotor(promotorId: string, options?: ReadOptions): Promise<Promotor | undefined>;
  putPromotor(promotor: Promotor, previousVersion: number | undefined): Promise<void>;
  deletePromotor(promotorId: string, version: number): Promise<void>;
  /** The promotors of one organisation, by id. */
  listPromotors(organisationId: string): Promise<Promotor[]>;
  hasPromotors(organisationId: string): Promise<boolean>;
}

/** Who maps an UiTdatabank event by hand: one organisation, and the event the claim was last made for. */
export interface UitdatabankClaim {
  organisationId: string;
  eventId: string;
}

export interface AuditListQuery {
  limit: number;
  cursor?: string | undefined;
  /** Only entries of these organisations; `'all'` for a key that may act for every organisation. */
  organisationIds: readonly string[] | 'all';
}

export interface AuditTrail {
  /** Writes the entry once; writing the same entry again is a no-op. */
  record(entry: AuditEntry): Promise<void>;
  /** The entity's history, newest first, limited to the organisations in the query. */
  list(entity: EntityKind, entityId: string, query: AuditListQuery): Promise<Page<AuditEntry>>;
}

/**
 * The UiTdatabank event of this id and its organizer (bare id; null when it has none); undefined when there is none.
 * A deleted event does not count: mapping to it is a mistake; a draft or rejected one does (the readiness check
 * reports its status). An unreachable UiTdatabank throws `UpstreamUnavailable`.
 */
export interface UitdatabankEventsPort {
  find(uitdatabankEventId: string): Promise<{ organizerId: string | null } | undefined>;
}

export interface UitdatabankOrganizersPort {
  exists(uitdatabankOrganizerId: string): Promise<boolean>;
}
