/**
 * Internal data model of the sandbox. These are storage records, not API shapes: the API bodies are rendered
 * from them in `uitpas.ts` / `uitdatabank.ts` so that derived values (hidden labels, `modified` after the
 * asynchronous UiTPAS registration, `remaining`) are always computed against the current clock.
 */

export type Language = 'nl' | 'fr' | 'de' | 'en';
export type LocalizedText = Partial<Record<Language, string>>;

export type WorkflowStatus = 'DRAFT' | 'READY_FOR_VALIDATION' | 'APPROVED' | 'REJECTED' | 'DELETED';
export type CalendarType = 'single' | 'multiple' | 'periodic' | 'permanent';
export type AudienceType = 'everyone' | 'members' | 'education';

/** Same shape as UiTPAS `PeriodLimit` (EventSettings.passholderTicketLimit). */
export type PeriodType = 'ABSOLUTE' | 'DAY' | 'WEEK' | 'MONTH' | 'QUARTER' | 'YEAR';
export interface PeriodLimit {
  volume: number;
  periodType: PeriodType;
}

export type Permission =
  | 'TARIFFS_READ'
  | 'TICKETSALES_REGISTER'
  | 'TICKETSALES_SEARCH'
  | 'PASSES_READ'
  | 'PASSES_INSZNUMBERS_READ'
  | 'PASSES_CHIPNUMBERS_READ'
  | 'CARDS_READ'
  | 'ORGANIZERS_SEARCH'
  | 'EVENTS_READ'
  | 'EVENTS_UPDATE'
  | 'EVENT_SETTINGS_READ'
  | 'PASSHOLDERS_SEARCH'
  | 'PERMISSIONS_READ'
  // The real enum has 56 values; anything else is accepted as an opaque string.
  | (string & {});

export interface CardSystem {
  id: number;
  name: string;
  cities: { postalCode: string; name: string }[];
  permanent: boolean;
  branding?: { logo?: string; primaryColor?: string; secondaryColor?: string };
  links?: { website?: string };
}

export interface PostalAddress {
  addressCountry: string;
  addressLocality: string;
  postalCode: string;
  streetAddress: string;
}

export interface PlaceRecord {
  id: string;
  mainLanguage: Language;
  name: LocalizedText;
  address?: Partial<Record<Language, PostalAddress>>;
}

/** An UiTdatabank organizer. Whether it is an UiTPAS organizer is decided by `uitpasOrganizers`. */
export interface OrganizerRecord {
  id: string;
  mainLanguage: Language;
  name: LocalizedText;
  url: string;
  address?: Partial<Record<Language, PostalAddress>>;
  labels: string[];
  /** Hidden labels set by hand; UiTPAS card-system labels are added on read. */
  hiddenLabels: string[];
  workflowStatus: 'ACTIVE' | 'DELETED';
  created: string;
  modified: string;
}

/** The UiTPAS side of an organizer (UiTPAS `Organizer`). */
export interface UitpasOrganizerRecord {
  id: string;
  name: string;
  cardSystemIds: number[];
  address: { street?: string; postalCode?: string; city: string };
  linkedLocationId?: string;
}

export interface PriceInfoEntry {
  category: 'base' | 'tariff' | 'uitpas';
  price: number;
  priceCurrency: 'EUR';
  name: LocalizedText;
  groupPrice?: boolean;
}

export interface SubEventRecord {
  startDate: string;
  endDate: string;
  status?: { type: string; reason?: LocalizedText };
  bookingAvailability?: { type?: string; capacity?: number; remainingCapacity?: number };
  [key: string]: unknown;
}

export interface EventRecord {
  id: string;
  /** Insertion order: the tie-breaker that keeps search results deterministic. */
  seq: number;
  mainLanguage: Language;
  name: LocalizedText;
  calendarType: CalendarType;
  startDate?: string;
  endDate?: string;
  subEvent?: SubEventRecord[];
  openingHours?: unknown[];
  status: { type: string; reason?: LocalizedText };
  bookingAvailability: { type: string };
  locationId: string;
  organizerId?: string;
  priceInfo: PriceInfoEntry[];
  terms: { id: string; label?: string; domain?: string }[];
  workflowStatus: WorkflowStatus;
  audienceType: AudienceType;
  labels: string[];
  /** Hidden labels set by hand; UiTPAS card-system labels are added on read once UiTPAS knows the event. */
  hiddenLabels: string[];
  availableFrom: string;
  created: string;
  modified: string;
  /** Other properties from the create body, echoed on read (description, bookingInfo, …). */
  extra: Record<string, unknown>;
}

export interface EventCardSystemState {
  id: number;
  enabled: boolean;
}

/** UiTPAS' knowledge of an UiTdatabank event. */
export interface UitpasEventRecord {
  eventId: string;
  cardSystems: EventCardSystemState[];
  /** Epoch ms from which UiTPAS knows the event (the asynchronous registration). */
  knownFrom: number;
  /** passholderTicketLimit: how many SOCIALTARIFF tickets one pass can buy for this event per period. */
  ticketLimit?: PeriodLimit;
}

export type CardStatus = 'PROVISIONED' | 'LOCAL_STOCK' | 'ACTIVE' | 'BLOCKED' | 'DELETED';
export type SocialTariffStatus = 'ACTIVE' | 'EXPIRED' | 'NONE';

export type CouponDiscount =
  | { kind: 'amount'; amount: number }
  | { kind: 'percentage'; percentage: number }
  | { kind: 'price'; price: number };

export interface CouponRecord {
  id: string;
  name: string;
  cardSystemId: number;
  discount: CouponDiscount;
  /** Restrict the coupon to these events (default: any event of its card system). */
  eventIds?: string[];
  /** Multi-use coupons (group passes). Absent = single use. */
  limit?: PeriodLimit;
}

export interface PassRecord {
  uitpasNumber: string;
  chipNumber?: string;
  inszNumbers: string[];
  passholderId: string;
  passType: 'INDIVIDUAL' | 'GROUP';
  firstName: string;
  points: number;
  postalCode: string;
  /** Card system of the membership (and of its social tariff). */
  cardSystemId: number;
  socialTariff: { status: SocialTariffStatus; endDate?: string };
  cardStatus: CardStatus;
  coupons: CouponRecord[];
  /** Group passes: how many discounted tickets the pass can buy per period, over all events. */
  groupLimit?: PeriodLimit;
}

export interface TicketSaleRecord {
  id: string;
  creationDate: string;
  createdAtMs: number;
  regularPrice: number;
  regularPriceLabel?: string;
  tariff: { id: string; name: string; price: number; type: 'SOCIALTARIFF' | 'COUPON' };
  eventId: string;
  eventTitle: string;
  organizerId?: string;
  uitpasNumber: string;
  passholderId: string;
  cancelled: boolean;
  cancelledAt?: string;
}
