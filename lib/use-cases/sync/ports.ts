/**
 * What the sync needs from the outside, in its own terms: its state in the table (on our event items, the run lease,
 * the feed mark, the sweep), the UiTdatabank Entry and Search APIs, UiTPAS, and what the readiness check and the
 * mapping admin need for the calls the sync makes to them. The DynamoDB repositories and the upstream clients in
 * lib/adapters implement these as they are.
 */

import type { Organisation, Promotor, TicketingEvent } from '../../domain/mappings.js';
import type { PermittedOrganizer } from '../../domain/readiness.js';
import type { ReadinessSnapshot } from '../../domain/readiness-snapshot.js';
import type { PushCalendar, PushFingerprint, SyncIssues } from '../../domain/sync.js';
import type { OrganizerPermissionSnapshot } from '../../domain/tariffs.js';
import type { recordSyncedUitdatabankId } from '../mapping-admin/events.js';
import type { SyncedIdResult } from '../mapping-admin/ports.js';
import type {
  ReadinessMappings,
  UitdatabankEventDocument,
  UitpasCardSystems,
  UitpasPermissions,
} from '../readiness/ports.js';

// --- The sync's state ---------------------------------------------------------------------------------------------

/** What was last sent to UiTdatabank, per field. */
export interface PushedState {
  fingerprint: PushFingerprint;
  uitdatabankId: string;
  at: string;
}

export interface PushClaim {
  /** The run that claimed the push. */
  owner: string;
  /** When the claim was taken, just before `POST /events` (`pushStartedAt`). */
  at: string;
  /** Epoch ms after which another run may treat the claim as abandoned. */
  expiresAt: number;
  /** `in-flight` while the POST runs; `uncertain` when it may have created the event without telling us. */
  state: 'in-flight' | 'uncertain';
  /** What the POST sends, to recognise the event in UiTdatabank if the run dies before storing the id. */
  name: string;
  organizerId: string;
  placeId: string;
  startDate: string;
  fingerprint: PushFingerprint;
}

/** Which claim a conditional write expects to find: the run and the moment it claimed. */
export type ClaimRef = Pick<PushClaim, 'owner' | 'at'>;

export interface RefreshedState {
  uitdatabankId: string;
  /** The event's version that was assessed. */
  version: number;
  /** The organizer the event resolved to when it was assessed (an organisation or promotor change moves it). */
  organizerId?: string;
  /** The required UiTPAS permissions (TARIFFS_READ, TICKETSALES_REGISTER) held for that organizer, comma-separated. */
  permissions?: string;
  at: string;
  /** Set when an assessment failed transiently: the next run assesses the event again. */
  pending?: boolean;
  /** What the assessment saw of the UiTdatabank event: `feedSeenKey` (lib/domain/sync.ts), or `SEEN_GONE`. */
  seen?: string;
}

/** What one readiness assessment found: the snapshot the basket reads, and the sync's record of it. */
export interface Assessment {
  refreshed: RefreshedState;
  snapshot: ReadinessSnapshot;
}

export interface EventSyncState {
  pushed?: PushedState;
  claim?: PushClaim;
  issues?: SyncIssues;
  refreshed?: RefreshedState;
}

export interface SyncEventItem {
  event: TicketingEvent;
  sync: EventSyncState;
  /** The readiness snapshot the basket reads, reduced to what the sync compares. */
  readiness?: { eventVersion: number; organizerPermission?: OrganizerPermissionSnapshot };
}

/** Where the daily sweep of our mapped ids is: a cycle started at `cycleStartedAt`, done up to `after`. */
export interface SweepState {
  cycleStartedAt: string;
  /** The last (lower-case) UiTdatabank id checked in this cycle; undefined once the cycle is done. */
  after?: string;
}

/** What `storeSyncedId` answers: a lost version race also says what the event is now. */
export type StoreSyncedIdResult =
  | Exclude<SyncedIdResult, { outcome: 'version-conflict' }>
  | { outcome: 'version-conflict'; currentVersion: number; current: TicketingEvent };

export type LeaseResult = { acquired: true } | { acquired: false; holder: string; expiresAt: number };

/**
 * The sync's own state in the table. Writes on an event item touch only the sync's attributes, never the event's
 * fields; `storeSyncedId` (the id, with the mapping repository's rules and a new `version`) and `saveAssessment` (the
 * readiness snapshot, with the readiness repository's rules) carry those along in the same write. The conditional
 * ones answer false when their condition did not hold.
 */
export interface SyncStore {
  /** Every event of the organisation labelled `UiTPAS` or `uitDB`, with the sync's state and readiness snapshot. */
  listOrganisationEvents(organisationId: string): Promise<SyncEventItem[]>;
  /**
   * What the organisation's deleted events had pushed, by event id: the UiTdatabank event the sync created for an
   * event before an admin deleted it, so the same event saved again is mapped back to it, not created twice.
   */
  listRetiredPushes(organisationId: string): Promise<Map<string, PushedState>>;
  /** One consistent read of an event with the sync's state, after a conditional write lost. */
  getEventItem(eventId: string): Promise<SyncEventItem | undefined>;
  /**
   * Claims the push of an unmapped event before `POST /events`: holds only while the event has no UiTdatabank id,
   * is at `version`, and carries no claim (or exactly the abandoned claim `replacing`).
   */
  claimPush(
    eventId: string,
    input: { version: number; claim: PushClaim; replacing?: ClaimRef },
  ): Promise<boolean>;
  /** The POST may have created the event: keep the claim, marked so the next run looks for it first. */
  markClaimUncertain(eventId: string, claim: ClaimRef): Promise<boolean>;
  /** The POST certainly did not create anything: drop the claim so the next run simply tries again. */
  releaseClaim(eventId: string, claim: ClaimRef): Promise<boolean>;
  /**
   * After a create (or an orphan or earlier event found): the UiTdatabank id, what was pushed and the end of the push
   * claim, in one write conditional on the event being exactly `current` (its version and `updatedAt`), with the
   * mapping repository's rules (lib/adapters/dynamodb/mappings.ts `syncedIdUpdate`: never over a manual mapping or
   * another id). When the condition fails, one consistent read says why; a `version-conflict` then carries the event
   * as it is now, to try again on. What it answers is what `setSyncedUitdatabankId` answers, so the mapping admin's
   * `recordSyncedUitdatabankId` records the audit entry for it.
   *
   * `assessment`, the readiness assessment of the event as this write makes it (an event the run just created), goes
   * into the same write: the snapshot and the sync's record of it. Only when the write stores the id (`stored`) at
   * the version the assessment is of (`current.version + 1`); otherwise it is left out, and the refresh assesses.
   */
  storeSyncedId(input: {
    current: TicketingEvent;
    uitdatabankId: string;
    now: Date;
    pushed: PushedState;
    issues: SyncIssues | undefined;
    assessment?: Assessment | undefined;
  }): Promise<StoreSyncedIdResult>;
  /** What was pushed (and what was refused); drops the push claim. False when the event is gone. */
  savePushed(eventId: string, pushed: PushedState, issues: SyncIssues | undefined): Promise<boolean>;
  /** Refusals of an event that has no push to record (a refused create); drops `claim` too. */
  saveIssues(eventId: string, issues: SyncIssues, claim?: ClaimRef): Promise<boolean>;
  saveRefreshed(eventId: string, refreshed: RefreshedState): Promise<boolean>;
  /**
   * What an assessment found, in one write: the readiness snapshot the basket reads (and the organizer verdict beside
   * it), under the readiness repository's condition (the event still at the snapshot's version, no later check of that
   * version stored), and what the sync records of the assessment. False when that condition failed: nothing written.
   */
  saveAssessment(eventId: string, refreshed: RefreshedState, snapshot: ReadinessSnapshot): Promise<boolean>;
  /** Taken when free, expired, or already ours; otherwise says who holds it and until when. */
  acquireLease(owner: string, ttlMs: number, nowMs: number): Promise<LeaseResult>;
  /** False when the lease is no longer ours. */
  renewLease(owner: string, ttlMs: number, nowMs: number): Promise<boolean>;
  releaseLease(owner: string): Promise<void>;
  /** The change feed's high-water mark; undefined before the first run. */
  getFeedMark(): Promise<string | undefined>;
  /** Never moves the mark back (false then). */
  saveFeedMark(mark: string, now: Date): Promise<boolean>;
  getSweep(): Promise<SweepState | undefined>;
  saveSweep(state: SweepState, now: Date): Promise<void>;
}

// --- UiTdatabank --------------------------------------------------------------------------------------------------

export interface LocalizedText {
  nl?: string;
  fr?: string;
  de?: string;
  en?: string;
}

/** What the sync itself reads of an UiTdatabank event (Entry, or Search with `embed=true`). */
export interface UitdatabankEventRead {
  '@id': string;
  /** Legacy events carry a plain string. */
  name: LocalizedText | string;
  created?: string;
  modified?: string;
  startDate?: string;
  workflowStatus?: string;
  organizer?: { '@id'?: string };
  location?: { '@id'?: string };
  priceInfo?: { category: string; price: number; name?: LocalizedText; groupPrice?: boolean }[];
}

/**
 * An UiTdatabank event as the sync gets it: what it reads itself, and what the readiness check reads, since the sync
 * hands it the events it already has.
 */
export type UitdatabankEvent = UitdatabankEventRead & UitdatabankEventDocument;

/** A member of a Search page that does not match the event schema: what could be read of it. */
export interface InvalidMember {
  /** Its place in the page's `member` array (the valid members keep their order around it). */
  index: number;
  '@id'?: string;
  modified?: string;
  /** What did not match (paths and expectations, never values). */
  detail: string;
}

/** An embedded Search page: the events that match the schema, and those that do not. */
export interface EventPage {
  member: UitdatabankEvent[];
  invalid: InvalidMember[];
}

/** A price as Entry takes it: exactly one `base` entry; `tariff` entries need a name. */
export interface PriceEntry {
  category: 'base' | 'tariff';
  price: number;
  priceCurrency?: 'EUR';
  name?: LocalizedText;
  groupPrice?: boolean;
}

/** `POST /events` as the sync sends it: Dutch, one event type, published at once. */
export interface NewUitdatabankEvent {
  mainLanguage: 'nl';
  name: { nl: string };
  calendar: PushCalendar;
  /** The bare UiTdatabank place id. */
  locationId: string;
  terms: { id: string }[];
  organizerId: string;
  priceInfo: PriceEntry[];
  workflowStatus: 'READY_FOR_VALIDATION';
}

/** The Entry API: writes answer with `UpstreamProblem` (a refusal) or `UpstreamUnavailable` (no usable answer). */
export interface SyncEntry {
  /** Returns the bare id of the new event. Never retried. */
  createEvent(input: NewUitdatabankEvent): Promise<string>;
  updateName(id: string, language: 'nl', name: string): Promise<void>;
  updateCalendar(id: string, calendar: PushCalendar): Promise<void>;
  /** Replaces every price of the event. */
  updatePriceInfo(id: string, priceInfo: PriceEntry[]): Promise<void>;
  /** Refused with `EVENT_HAS_UITPAS_TICKET_SALES` once the event has sales. */
  updateOrganizer(id: string, organizerId: string): Promise<void>;
  /** null on 404. */
  getEvent(id: string): Promise<UitdatabankEvent | null>;
}

/** A Search query of the sync: embedded events, default filters off (drafts and past events count too). */
export interface EventSearch {
  q: string;
  organizerId?: string;
  modifiedFrom?: string | Date;
  /** Keys in priority order. */
  sort?: { modified?: 'asc'; created?: 'asc' };
  disableDefaultFilters: true;
  embed: true;
  start?: number;
  limit: number;
}

export interface SyncSearch {
  searchEvents(params: EventSearch): Promise<EventPage>;
}

// --- UiTPAS, the readiness check and the mapping admin -------------------------------------------------------------

/** UiTPAS card systems of an event (null: UiTPAS does not know it), as the readiness check asks for them. */
export type SyncUitpas = UitpasCardSystems;

/** The cached `GET /permissions`: refreshed once per run, then read by every assessment. */
export interface SyncPermissions extends UitpasPermissions {
  /** Always asks UiTPAS and stores the answer. */
  refresh(): Promise<{ organizers: readonly PermittedOrganizer[] }>;
}

/** What the mapping admin's `recordSyncedUitdatabankId` needs, as it declares it. */
type SyncedIdDeps = Parameters<typeof recordSyncedUitdatabankId>[1];

/**
 * The mapping repository: organisations once per run and promotors on demand for the sync itself, plus what the
 * readiness check reads and what `recordSyncedUitdatabankId` writes.
 */
export type SyncMappings = {
  listAllOrganisations(): Promise<Organisation[]>;
  getPromotor(promotorId: string): Promise<Promotor | undefined>;
} & ReadinessMappings &
  SyncedIdDeps['mappings'];

/** The audit trail, written by `recordSyncedUitdatabankId`. */
export type SyncAudit = SyncedIdDeps['audit'];
