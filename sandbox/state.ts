/**
 * The mutable world of the sandbox: UiTdatabank events/organizers/places, the UiTPAS view of them (card
 * systems, registration delay, ticket limits), passes, client permissions and ticket sales.
 *
 * Everything time-dependent reads `now()` (injectable) so weekly/daily limits and the asynchronous UiTPAS
 * registration are testable without sleeping.
 */
import {
  basePrice,
  buildSeed,
  DEFAULT_LATE_EVENT_DELAY_MS,
  type SeedData,
  TEST_ORGANIZER_ID,
  TEST_PLACE_ID,
} from './fixtures.js';
import type {
  AudienceType,
  CalendarType,
  CardSystem,
  EventCardSystemState,
  EventRecord,
  Language,
  LocalizedText,
  OrganizerRecord,
  PassRecord,
  PeriodLimit,
  Permission,
  PlaceRecord,
  PriceInfoEntry,
  SubEventRecord,
  TicketSaleRecord,
  UitpasEventRecord,
  UitpasOrganizerRecord,
  WorkflowStatus,
} from './model.js';
import { formatUdbDate, stableUuid } from './util.js';

/** First id handed out by POST /ticket-sales (the docs' example id is "499853"). */
const FIRST_TICKET_SALE_ID = 499853;
/** "For permanent events availableTo is missing: treat it as 2100-01-01" (brief §5.2). */
export const FAR_FUTURE = '2100-01-01T00:00:00+00:00';

export const PUBLISHED_STATUSES: readonly WorkflowStatus[] = ['READY_FOR_VALIDATION', 'APPROVED'];

export interface AddEventInput {
  id?: string;
  name: string | LocalizedText;
  mainLanguage?: Language;
  /** Default: TEST_ORGANIZER_ID. `null` = no organizer. */
  organizerId?: string | null;
  /** A number is shorthand for one base price; `[]` = no priceInfo. Default: base price 10. */
  priceInfo?: number | PriceInfoEntry[];
  /** Default APPROVED. */
  workflowStatus?: WorkflowStatus;
  calendarType?: CalendarType;
  startDate?: string;
  endDate?: string;
  subEvent?: SubEventRecord[];
  locationId?: string;
  audienceType?: AudienceType;
  labels?: string[];
  hiddenLabels?: string[];
  created?: Date | string;
  modified?: Date | string;
  /**
   * UiTPAS registration. Default: registered (after `uitpasRegistrationDelayMs`) when the event is published
   * and its organizer is an UiTPAS organizer. `false` = UiTPAS never learns about it.
   */
  uitpas?: boolean | UitpasRegistrationOptions;
}

export interface UitpasRegistrationOptions {
  /** Delay before UiTPAS knows the event. Default: the sandbox's `uitpasRegistrationDelayMs`. */
  delayMs?: number;
  /** Default: the organizer's card systems, all enabled. */
  cardSystems?: EventCardSystemState[];
  /** passholderTicketLimit for SOCIALTARIFF sales. Default: none. */
  ticketLimit?: PeriodLimit;
}

export type EventPatch = Partial<
  Pick<
    EventRecord,
    | 'name'
    | 'mainLanguage'
    | 'priceInfo'
    | 'workflowStatus'
    | 'calendarType'
    | 'startDate'
    | 'endDate'
    | 'subEvent'
    | 'openingHours'
    | 'status'
    | 'bookingAvailability'
    | 'locationId'
    | 'audienceType'
    | 'labels'
    | 'hiddenLabels'
    | 'availableFrom'
    | 'terms'
    | 'extra'
  >
> & { organizerId?: string | null };

export interface AddOrganizerInput {
  id?: string;
  name: string | LocalizedText;
  url?: string;
  mainLanguage?: Language;
  address?: OrganizerRecord['address'];
  labels?: string[];
  hiddenLabels?: string[];
  /** Make it an UiTPAS organizer. Default: false. */
  uitpas?: boolean | { cardSystemIds?: number[]; linkedLocationId?: string; city?: string };
  /** Our client's permissions for it. Default: none. */
  permissions?: Permission[];
  created?: Date | string;
}

export interface SeedEventsOptions {
  count: number;
  /** Default TEST_ORGANIZER_ID. */
  organizerId?: string;
  namePrefix?: string;
  /** `modified` (= `created`) of the first event; default `now - count * stepMs`. */
  modifiedFrom?: Date | string;
  /** Gap between consecutive `modified` values. Default 1000 ms. */
  stepMs?: number;
  workflowStatus?: WorkflowStatus;
  /** Register the events in UiTPAS (immediately). Default: when the organizer is an UiTPAS organizer. */
  uitpas?: boolean;
  /** Default 10; `null` = no priceInfo. */
  basePrice?: number | null;
}

export interface TicketSaleFilter {
  eventId?: string;
  passholderId?: string;
  uitpasNumber?: string;
  status?: 'active' | 'cancelled' | 'all';
}

export interface StateOptions {
  now: () => Date;
  uitpasRegistrationDelayMs: number;
  lateEventDelayMs: number;
}

export class SandboxState {
  /** Delay for events that get registered in UiTPAS from now on (POST /events, publish, addEvent). */
  uitpasRegistrationDelayMs: number;
  readonly lateEventDelayMs: number;
  readonly now: () => Date;

  private cardSystemsById = new Map<number, CardSystem>();
  private placesById = new Map<string, PlaceRecord>();
  private organizersByKey = new Map<string, OrganizerRecord>();
  private uitpasOrganizersById = new Map<string, UitpasOrganizerRecord>();
  private permissionsByOrganizer = new Map<string, Permission[]>();
  /** Card-system limits a test set, per organizer and permission (see `setPermissions`). */
  private permissionLimitsByOrganizer = new Map<string, Partial<Record<Permission, number[]>>>();
  /** Keyed by lower-cased id: UiTdatabank ids are matched case-insensitively (legacy ids are upper case). */
  private eventsByKey = new Map<string, EventRecord>();
  private uitpasEventsByKey = new Map<string, UitpasEventRecord>();
  private passesByNumber = new Map<string, PassRecord>();
  private passesByChip = new Map<string, PassRecord>();
  private passesByInsz = new Map<string, PassRecord>();
  private sales: TicketSaleRecord[] = [];
  private salesById = new Map<string, TicketSaleRecord>();
  private nextSaleId = FIRST_TICKET_SALE_ID;
  private nextSeq = 0;
  private bulkBatch = 0;

  constructor(options: Partial<StateOptions> = {}) {
    this.now = options.now ?? (() => new Date());
    this.uitpasRegistrationDelayMs = options.uitpasRegistrationDelayMs ?? 0;
    this.lateEventDelayMs = options.lateEventDelayMs ?? DEFAULT_LATE_EVENT_DELAY_MS;
    this.reset();
  }

  nowMs(): number {
    return this.now().getTime();
  }

  /** Back to the seeded data (ticket sales, added events/organizers and permission changes are dropped). */
  reset(): void {
    this.load(buildSeed(this.nowMs() + this.lateEventDelayMs));
  }

  private load(seed: SeedData): void {
    this.cardSystemsById = new Map(seed.cardSystems.map((c) => [c.id, c]));
    this.placesById = new Map(seed.places.map((p) => [key(p.id), p]));
    this.organizersByKey = new Map(seed.organizers.map((o) => [key(o.id), o]));
    this.uitpasOrganizersById = new Map(seed.uitpasOrganizers.map((o) => [key(o.id), o]));
    this.permissionsByOrganizer = new Map(seed.permissions.map((p) => [key(p.organizerId), p.permissions]));
    this.permissionLimitsByOrganizer = new Map();
    this.nextSeq = 0;
    this.eventsByKey = new Map(seed.events.map((e) => [key(e.id), { ...e, seq: this.nextSeq++ }]));
    this.uitpasEventsByKey = new Map(seed.uitpasEvents.map((u) => [key(u.eventId), u]));
    this.passesByNumber = new Map();
    this.passesByChip = new Map();
    this.passesByInsz = new Map();
    for (const pass of seed.passes) this.indexPass(pass);
    this.sales = [];
    this.salesById = new Map();
    this.nextSaleId = FIRST_TICKET_SALE_ID;
  }

  // --- Card systems, places, organizers ------------------------------------------------------------------

  getCardSystem(id: number): CardSystem | undefined {
    return this.cardSystemsById.get(id);
  }

  getPlace(id: string): PlaceRecord | undefined {
    return this.placesById.get(key(id));
  }

  /** Locations are not validated against a place store: an unknown place becomes a stub without address. */
  ensurePlace(id: string): PlaceRecord {
    const existing = this.getPlace(id);
    if (existing) return existing;
    const stub: PlaceRecord = { id, mainLanguage: 'nl', name: { nl: `Locatie ${id}` } };
    this.placesById.set(key(id), stub);
    return stub;
  }

  getOrganizer(id: string): OrganizerRecord | undefined {
    return this.organizersByKey.get(key(id));
  }

  listOrganizers(): OrganizerRecord[] {
    return [...this.organizersByKey.values()];
  }

  getUitpasOrganizer(id: string): UitpasOrganizerRecord | undefined {
    return this.uitpasOrganizersById.get(key(id));
  }

  isUitpasOrganizer(id: string | undefined): boolean {
    return id !== undefined && this.uitpasOrganizersById.has(key(id));
  }

  addOrganizer(input: AddOrganizerInput): OrganizerRecord {
    const id = input.id ?? crypto.randomUUID();
    const created = toUdbDate(input.created, this.nowMs());
    const name = typeof input.name === 'string' ? { [input.mainLanguage ?? 'nl']: input.name } : input.name;
    const organizer: OrganizerRecord = {
      id,
      mainLanguage: input.mainLanguage ?? 'nl',
      name,
      url: input.url ?? `https://organizer-${id.slice(0, 8).toLowerCase()}.example.be`,
      address: input.address,
      labels: input.labels ?? [],
      hiddenLabels: input.hiddenLabels ?? [],
      workflowStatus: 'ACTIVE',
      created,
      modified: created,
    };
    this.organizersByKey.set(key(id), organizer);
    if (input.uitpas) {
      const options = typeof input.uitpas === 'object' ? input.uitpas : {};
      this.uitpasOrganizersById.set(key(id), {
        id,
        name: Object.values(name)[0] ?? id,
        cardSystemIds: options.cardSystemIds ?? [1],
        address: { city: options.city ?? 'Gent' },
        linkedLocationId: options.linkedLocationId,
      });
    }
    if (input.permissions) this.setPermissions(id, input.permissions);
    return organizer;
  }

  // --- Permissions ---------------------------------------------------------------------------------------

  /**
   * Replaces our client's permissions for an organizer, and their card-system limits; `[]` removes the organizer from
   * GET /permissions. `cardSystemIds` limits a permission to those card systems: GET /permissions lists them in its
   * `permissionDetails`, and /tariffs and POST /ticket-sales answer 403 for a pass of another card system. Without a
   * limit a permission lists the organizer's card systems (as publiq's examples do) and is not enforced per card system.
   */
  setPermissions(
    organizerId: string,
    permissions: Permission[],
    cardSystemIds: Partial<Record<Permission, number[]>> = {},
  ): void {
    if (permissions.length === 0) this.permissionsByOrganizer.delete(key(organizerId));
    else this.permissionsByOrganizer.set(key(organizerId), [...permissions]);
    const limits = Object.entries(cardSystemIds).filter(([permission]) =>
      permissions.includes(permission as Permission),
    );
    if (limits.length === 0) this.permissionLimitsByOrganizer.delete(key(organizerId));
    else
      this.permissionLimitsByOrganizer.set(
        key(organizerId),
        Object.fromEntries(limits.map(([permission, ids]) => [permission, [...(ids ?? [])]])),
      );
  }

  /** The card systems a test limited `permission` to for this organizer; undefined: no limit was set. */
  permissionCardSystems(organizerId: string | undefined, permission: Permission): number[] | undefined {
    if (organizerId === undefined) return undefined;
    return this.permissionLimitsByOrganizer.get(key(organizerId))?.[permission];
  }

  getPermissions(organizerId: string): Permission[] {
    return this.permissionsByOrganizer.get(key(organizerId)) ?? [];
  }

  hasPermission(organizerId: string | undefined, permission: Permission): boolean {
    return organizerId !== undefined && this.getPermissions(organizerId).includes(permission);
  }

  /** Whether the client holds `permission` for any organizer (PASSES_READ has no organizer scope). */
  hasPermissionAnywhere(permission: Permission): boolean {
    return [...this.permissionsByOrganizer.values()].some((p) => p.includes(permission));
  }

  listPermissions(): { organizerId: string; permissions: Permission[] }[] {
    return [...this.permissionsByOrganizer.entries()].map(([k, permissions]) => ({
      organizerId: this.getOrganizer(k)?.id ?? this.getUitpasOrganizer(k)?.id ?? k,
      permissions,
    }));
  }

  // --- Events --------------------------------------------------------------------------------------------

  getEvent(id: string): EventRecord | undefined {
    return this.eventsByKey.get(key(id));
  }

  /** All events in insertion order. */
  listEvents(): EventRecord[] {
    return [...this.eventsByKey.values()];
  }

  addEvent(input: AddEventInput): EventRecord {
    const nowMs = this.nowMs();
    const id = input.id ?? crypto.randomUUID();
    const mainLanguage = input.mainLanguage ?? 'nl';
    const created = toUdbDate(input.created, nowMs);
    const organizerId = input.organizerId === null ? undefined : (input.organizerId ?? TEST_ORGANIZER_ID);
    const priceInfo =
      typeof input.priceInfo === 'number'
        ? [basePrice(input.priceInfo)]
        : (input.priceInfo ?? [basePrice(10)]);
    const calendarType = input.calendarType ?? 'permanent';
    const event: EventRecord = {
      id,
      seq: this.nextSeq++,
      mainLanguage,
      name: typeof input.name === 'string' ? { [mainLanguage]: input.name } : input.name,
      calendarType,
      startDate: input.startDate,
      endDate: input.endDate,
      subEvent: input.subEvent,
      status: { type: 'Available' },
      bookingAvailability: { type: 'Available' },
      locationId: this.ensurePlace(input.locationId ?? TEST_PLACE_ID).id,
      organizerId,
      priceInfo,
      terms: [{ id: '0.50.4.0.0', label: 'Concert', domain: 'eventtype' }],
      workflowStatus: input.workflowStatus ?? 'APPROVED',
      audienceType: input.audienceType ?? 'everyone',
      labels: input.labels ?? [],
      hiddenLabels: input.hiddenLabels ?? [],
      availableFrom: created,
      created,
      modified: input.modified === undefined ? created : toUdbDate(input.modified, nowMs),
      extra: {},
    };
    this.insertEvent(event);
    if (input.uitpas === false) return event;
    if (input.uitpas === true || typeof input.uitpas === 'object') {
      this.registerEventInUitpas(id, typeof input.uitpas === 'object' ? input.uitpas : {});
    } else {
      this.ensureUitpasRegistration(event);
    }
    return event;
  }

  /** Stores an already-built record (used by Entry POST /events). */
  insertEvent(event: EventRecord): void {
    this.eventsByKey.set(key(event.id), event);
  }

  allocateSeq(): number {
    return this.nextSeq++;
  }

  /**
   * Applies a patch and bumps `modified` (every UiTdatabank write does). Publishing an event or giving it an
   * UiTPAS organizer registers it in UiTPAS (after the registration delay), as UiTdatabank does.
   */
  updateEvent(id: string, patch: EventPatch): EventRecord {
    const event = this.getEvent(id);
    if (!event) throw new Error(`Sandbox: unknown event ${id}`);
    const { organizerId, ...rest } = patch;
    Object.assign(event, rest);
    if (organizerId !== undefined) {
      event.organizerId = organizerId ?? undefined;
      this.onOrganizerChanged(event);
    }
    event.modified = this.nextModified(event);
    this.ensureUitpasRegistration(event);
    return event;
  }

  /**
   * A new `modified` that is strictly later than the previous one, so a sync that uses `modifiedFrom` as a
   * high-water mark always sees the change, even with a frozen test clock.
   */
  private nextModified(event: EventRecord): string {
    const previous = Date.parse(event.modified);
    return formatUdbDate(Math.max(this.nowMs(), previous + 1));
  }

  /**
   * Inserts `count` events in one go, for benchmarks (10,000 events take a few ms: no validation, no
   * per-event work beyond building the record). Returns the ids in insertion (= `modified`) order.
   */
  seedEvents(options: SeedEventsOptions): string[] {
    const batch = this.bulkBatch++;
    const organizerId = options.organizerId ?? TEST_ORGANIZER_ID;
    const stepMs = options.stepMs ?? 1000;
    const firstMs =
      options.modifiedFrom === undefined
        ? this.nowMs() - options.count * stepMs
        : new Date(options.modifiedFrom).getTime();
    const register = options.uitpas ?? this.isUitpasOrganizer(organizerId);
    const organizerCardSystems = this.getUitpasOrganizer(organizerId)?.cardSystemIds ?? [1];
    const price = options.basePrice === undefined ? 10 : options.basePrice;
    const prefix = options.namePrefix ?? 'Bulk event';
    const ids: string[] = [];
    for (let i = 0; i < options.count; i++) {
      const id = stableUuid(`bulk:${batch}:${i}`);
      const stamp = formatUdbDate(firstMs + i * stepMs);
      this.eventsByKey.set(id, {
        id,
        seq: this.nextSeq++,
        mainLanguage: 'nl',
        name: { nl: `${prefix} ${i + 1}` },
        calendarType: 'permanent',
        status: { type: 'Available' },
        bookingAvailability: { type: 'Available' },
        locationId: TEST_PLACE_ID,
        organizerId,
        priceInfo: price === null ? [] : [basePrice(price)],
        terms: [{ id: '0.50.4.0.0', label: 'Concert', domain: 'eventtype' }],
        workflowStatus: options.workflowStatus ?? 'APPROVED',
        audienceType: 'everyone',
        labels: [],
        hiddenLabels: [],
        availableFrom: stamp,
        created: stamp,
        modified: stamp,
        extra: {},
      });
      if (register) {
        this.uitpasEventsByKey.set(id, {
          eventId: id,
          cardSystems: organizerCardSystems.map((c) => ({ id: c, enabled: true })),
          knownFrom: 0, // known right away, whatever `modifiedFrom` says
        });
      }
      ids.push(id);
    }
    return ids;
  }

  // --- UiTPAS view of events -----------------------------------------------------------------------------

  getUitpasRegistration(eventId: string): UitpasEventRecord | undefined {
    return this.uitpasEventsByKey.get(key(eventId));
  }

  /**
   * The registration as UiTPAS sees it right now: registered, past its registration delay, and the
   * UiTdatabank event not deleted (UiTPAS forgets deleted events).
   */
  knownUitpasEvent(eventId: string): { event: EventRecord; registration: UitpasEventRecord } | undefined {
    const event = this.getEvent(eventId);
    const registration = this.getUitpasRegistration(eventId);
    if (!event || !registration) return undefined;
    if (registration.knownFrom > this.nowMs() || event.workflowStatus === 'DELETED') return undefined;
    return { event, registration };
  }

  registerEventInUitpas(eventId: string, options: UitpasRegistrationOptions = {}): UitpasEventRecord {
    const event = this.getEvent(eventId);
    if (!event) throw new Error(`Sandbox: unknown event ${eventId}`);
    const cardSystemIds = this.getUitpasOrganizer(event.organizerId ?? '')?.cardSystemIds ?? [1];
    const registration: UitpasEventRecord = {
      eventId: event.id,
      cardSystems: options.cardSystems ?? cardSystemIds.map((id) => ({ id, enabled: true })),
      knownFrom: this.nowMs() + (options.delayMs ?? this.uitpasRegistrationDelayMs),
      ticketLimit: options.ticketLimit,
    };
    this.uitpasEventsByKey.set(key(eventId), registration);
    return registration;
  }

  unregisterEventFromUitpas(eventId: string): void {
    this.uitpasEventsByKey.delete(key(eventId));
  }

  /** Replaces the event's card systems (e.g. `[]`-like all-disabled to stop it being an UiTPAS event). */
  setEventCardSystems(eventId: string, cardSystems: EventCardSystemState[]): void {
    const registration = this.getUitpasRegistration(eventId);
    if (!registration) throw new Error(`Sandbox: event ${eventId} is not registered in UiTPAS`);
    registration.cardSystems = cardSystems.map((c) => ({ ...c }));
  }

  setEventTicketLimit(eventId: string, ticketLimit: PeriodLimit | undefined): void {
    const registration = this.getUitpasRegistration(eventId);
    if (!registration) throw new Error(`Sandbox: event ${eventId} is not registered in UiTPAS`);
    registration.ticketLimit = ticketLimit;
  }

  /** UiTdatabank registers published events of UiTPAS organizers in UiTPAS (asynchronously). */
  private ensureUitpasRegistration(event: EventRecord): void {
    if (this.getUitpasRegistration(event.id)) return;
    if (!PUBLISHED_STATUSES.includes(event.workflowStatus)) return;
    if (!this.isUitpasOrganizer(event.organizerId)) return;
    this.registerEventInUitpas(event.id);
  }

  private onOrganizerChanged(event: EventRecord): void {
    const registration = this.getUitpasRegistration(event.id);
    if (!registration) return;
    const organizer = event.organizerId ? this.getUitpasOrganizer(event.organizerId) : undefined;
    // A non-UiTPAS organizer cannot grant discounts: UiTPAS keeps the event but disables its card systems.
    registration.cardSystems = organizer
      ? organizer.cardSystemIds.map((id) => ({ id, enabled: true }))
      : registration.cardSystems.map((c) => ({ ...c, enabled: false }));
  }

  /** Enabled card systems while UiTPAS knows the event, else `[]`. */
  enabledCardSystems(eventId: string): CardSystem[] {
    const known = this.knownUitpasEvent(eventId);
    if (!known) return [];
    return known.registration.cardSystems
      .filter((c) => c.enabled)
      .map((c) => this.getCardSystem(c.id))
      .filter((c): c is CardSystem => c !== undefined);
  }

  /** An UiTPAS event in UiTdatabank's sense: UiTPAS knows it and at least one card system is enabled. */
  isUitpasEvent(event: EventRecord): boolean {
    return this.enabledCardSystems(event.id).length > 0;
  }

  /** Manual hidden labels plus the card-system labels UiTdatabank adds once UiTPAS knows the event. */
  effectiveEventHiddenLabels(event: EventRecord): string[] {
    const labels = new Set(event.hiddenLabels);
    for (const cardSystem of this.enabledCardSystems(event.id)) labels.add(cardSystem.name);
    return [...labels];
  }

  /**
   * Adding the UiTPAS labels is itself a write in UiTdatabank, so `modified` moves to the registration time
   * once it has passed (a sync that polls `modifiedFrom` then sees the labels appear).
   */
  effectiveEventModifiedMs(event: EventRecord): number {
    const modified = Date.parse(event.modified);
    const registration = this.getUitpasRegistration(event.id);
    if (!registration || registration.knownFrom > this.nowMs()) return modified;
    return Math.max(modified, registration.knownFrom);
  }

  effectiveOrganizerHiddenLabels(organizer: OrganizerRecord): string[] {
    const labels = new Set(organizer.hiddenLabels);
    for (const id of this.getUitpasOrganizer(organizer.id)?.cardSystemIds ?? []) {
      const cardSystem = this.getCardSystem(id);
      if (cardSystem) labels.add(cardSystem.name);
    }
    return [...labels];
  }

  // --- Passes --------------------------------------------------------------------------------------------

  getPassByNumber(uitpasNumber: string): PassRecord | undefined {
    return this.passesByNumber.get(uitpasNumber);
  }

  getPassByChip(chipNumber: string): PassRecord | undefined {
    return this.passesByChip.get(chipNumber.toUpperCase());
  }

  getPassByInsz(insz: string): PassRecord | undefined {
    return this.passesByInsz.get(insz);
  }

  listPasses(): PassRecord[] {
    return [...this.passesByNumber.values()];
  }

  /** Adds (or replaces) a pass. Missing fields default to an active individual pass in Gent. */
  addPass(input: Partial<PassRecord> & { uitpasNumber: string }): PassRecord {
    const pass: PassRecord = {
      chipNumber: undefined,
      inszNumbers: [],
      passholderId: stableUuid(`passholder:${input.uitpasNumber}`),
      passType: 'INDIVIDUAL',
      firstName: 'Test',
      points: 0,
      postalCode: '9000',
      cardSystemId: 1,
      socialTariff: { status: 'NONE' },
      cardStatus: 'ACTIVE',
      coupons: [],
      ...input,
    };
    this.indexPass(pass);
    return pass;
  }

  private indexPass(pass: PassRecord): void {
    this.passesByNumber.set(pass.uitpasNumber, pass);
    if (pass.chipNumber) this.passesByChip.set(pass.chipNumber.toUpperCase(), pass);
    for (const insz of pass.inszNumbers) this.passesByInsz.set(insz, pass);
  }

  // --- Ticket sales --------------------------------------------------------------------------------------

  ticketSales(filter: TicketSaleFilter = {}): TicketSaleRecord[] {
    const status = filter.status ?? 'all';
    return this.sales.filter(
      (s) =>
        (status === 'all' || (status === 'active') === !s.cancelled) &&
        (filter.eventId === undefined || key(s.eventId) === key(filter.eventId)) &&
        (filter.passholderId === undefined || s.passholderId === filter.passholderId) &&
        (filter.uitpasNumber === undefined || s.uitpasNumber === filter.uitpasNumber),
    );
  }

  activeTicketSales(filter: Omit<TicketSaleFilter, 'status'> = {}): TicketSaleRecord[] {
    return this.ticketSales({ ...filter, status: 'active' });
  }

  cancelledTicketSales(filter: Omit<TicketSaleFilter, 'status'> = {}): TicketSaleRecord[] {
    return this.ticketSales({ ...filter, status: 'cancelled' });
  }

  getTicketSale(id: string): TicketSaleRecord | undefined {
    return this.salesById.get(id);
  }

  /** Any sale ever registered for the event, cancelled ones included (UiTdatabank's organizer guard). */
  hasTicketSales(eventId: string): boolean {
    return this.sales.some((s) => key(s.eventId) === key(eventId));
  }

  allocateTicketSaleId(): string {
    return String(this.nextSaleId++);
  }

  addTicketSales(sales: TicketSaleRecord[]): void {
    for (const sale of sales) {
      this.sales.push(sale);
      this.salesById.set(sale.id, sale);
    }
  }

  cancelTicketSale(id: string): boolean {
    const sale = this.salesById.get(id);
    if (!sale || sale.cancelled) return false;
    sale.cancelled = true;
    sale.cancelledAt = new Date(this.nowMs()).toISOString();
    return true;
  }
}

function key(id: string): string {
  return id.toLowerCase();
}

function toUdbDate(value: Date | string | undefined, fallbackMs: number): string {
  if (value === undefined) return formatUdbDate(fallbackMs);
  return formatUdbDate(new Date(value).getTime());
}
