/**
 * Seeded data: the public UiTPAS test dataset (brief §8), the guide-example numbers, and extra fixtures for
 * features the public dataset cannot exercise. Every id is exported so tests can import it instead of copying
 * strings around.
 */
import type {
  CardSystem,
  EventRecord,
  OrganizerRecord,
  PassRecord,
  PeriodLimit,
  Permission,
  PlaceRecord,
  PriceInfoEntry,
  UitpasEventRecord,
  UitpasOrganizerRecord,
} from './model.js';
import { stableUuid } from './util.js';

// --- Card systems ---------------------------------------------------------------------------------------

export const CARD_SYSTEM_GENT = 1;
export const CARD_SYSTEM_PASPARTOE = 2;
/** A region none of the fixture organizers belongs to ("other region" passholder). */
export const CARD_SYSTEM_DENDER = 3;

// --- Organizers -----------------------------------------------------------------------------------------

/** [TEST] UiTPAS Organisatie (Regio Gent + Paspartoe): the public test organizer; our client has access. */
export const TEST_ORGANIZER_ID = '0ce87cbc-9299-4528-8d35-92225dc9489f';
/** An UiTPAS organizer our client has NO permissions for (organizer of the "no permission" test event). */
export const OTHER_UITPAS_ORGANIZER_ID = '53391b0a-5468-4fdf-9194-0e0bb35eec9a';
/** An UiTdatabank organizer that is not an UiTPAS organizer (no hidden labels, 404 in UiTPAS). */
export const NON_UITPAS_ORGANIZER_ID = '30faf031-8076-4090-8731-78b85a1ec504';

/** A place in Gent (addressCountry BE) used as location of every fixture event. */
export const TEST_PLACE_ID = 'babfd3e9-ef13-42a6-96f4-5bb1859a6356';

// --- Events ---------------------------------------------------------------------------------------------

/** Permanente UiTPAS Test Festiviteit: 100 SOCIALTARIFF sales per passholder per week. */
export const TEST_EVENT_ID = '5a0967f9-cc06-4c3c-9206-30481a767434';
/** Test event met beperkte aankoop: 1 SOCIALTARIFF sale per passholder per week. */
export const LIMITED_EVENT_ID = 'd83b5b8a-108a-45d6-9ac9-8bdc44a0a24a';
/** Test event with no permission: organized by OTHER_UITPAS_ORGANIZER_ID (403 on /tariffs, ticket sales). */
export const NO_PERMISSION_EVENT_ID = '373d6cee-b4ae-4637-9b7c-eeb79e45f044';
/** Published UiTPAS event without any priceInfo (no base price). */
export const NO_BASE_PRICE_EVENT_ID = 'bfc0a0c0-e338-49c9-923d-42a988f401f5';
/** DRAFT event of the test organizer (not published, so UiTPAS does not know it). */
export const DRAFT_EVENT_ID = '20775ddf-b1a9-48d9-92b3-92c9a335c53b';
/** Soft-deleted (workflowStatus DELETED) event that UiTPAS knew before the delete. */
export const DELETED_EVENT_ID = 'e2d56067-0c25-492a-85a7-deed9d09cd34';
/** Published event of the test organizer that UiTPAS does not know (card-systems 404, event-not-found). */
export const NOT_IN_UITPAS_EVENT_ID = 'b5437b59-9491-4164-9f13-c2da1ff716ab';
/** UiTPAS knows the event but every card system is disabled (so it is not an UiTPAS event any more). */
export const CARD_SYSTEMS_DISABLED_EVENT_ID = 'f38482b4-fef7-494c-870d-34661f1dbdbd';
/** UiTPAS learns about this event `lateEventDelayMs` after the sandbox started / was reset. */
export const LATE_EVENT_ID = 'e60b2ff7-b125-4490-8e9f-89153a0fd439';
/** An event with a legacy, non-UUID id. */
export const LEGACY_ID_EVENT_ID = 'D04BE067-FBE7-6633-2351893716796CB5';
/** Published event of the non-UiTPAS organizer (UiTPAS does not know it). */
export const NON_UITPAS_ORGANIZER_EVENT_ID = '731f5c38-6205-4d62-ae17-ad165fa38ef0';
/** UiTPAS event that ended in 2024 (hidden by Search's default availableTo filter). */
export const PAST_EVENT_ID = '2a978d50-0188-400d-8cf5-b4c9de845f72';
/** UiTPAS event for members only (audienceType members, hidden by Search's default audienceType filter). */
export const MEMBERS_ONLY_EVENT_ID = '70894d85-6f5e-4959-b164-fe332a14ab5b';

/** Default delay after which LATE_EVENT_ID becomes known to UiTPAS (option `lateEventDelayMs`). */
export const DEFAULT_LATE_EVENT_DELAY_MS = 1000;

// --- Passes ---------------------------------------------------------------------------------------------

/** UiTPAS numbers of the public test dataset (+ the numbers from the guides' examples). */
export const PASSES = {
  /** No social tariff, 9000, active (chip 04784CDAEE3880). */
  noSocialTariff: '0900000095902',
  /** Social tariff (Gent) ACTIVE, 9090 (chip 04363CDAEE3880). */
  socialTariff: '0900000067513',
  /** Social tariff EXPIRED, 9000 (chip 04CEE7528E6180). */
  socialTariffExpired: '0900000031618',
  /** Social tariff (Gentbrugge) ACTIVE, 9090 (chip 04ED6ACACF6180). */
  socialTariffGentbrugge: '0900010959113',
  /** Social tariff (Gent) but the card is BLOCKED (chip 04B00412F15284). */
  blocked: '0900000002312',
  /** Social tariff EXPIRED, Brussels 1000 (Paspartoe) (chip 045157B2B63780). */
  socialTariffExpiredBrussels: '0900000058918',
  /** No social tariff, 9000 (chip 045A4832633680). */
  noSocialTariffOther: '1000000520006',
  /** Social tariff and 2 coupons, all in another region (UiTPAS Dender) (chip 045D69DAEE3880). */
  otherRegion: '0900000093204',
  /** Online UiTPAS of a family account, no social tariff (listed twice in the docs; seeded once). */
  familyParent: '0900004518305',
  /** Online UiTPAS of a family account, social tariff (Gent). */
  familySocialTariff: '0900011902815',
  /** Child in that family account, social tariff (Gent). */
  familyChildSocialTariff: '0900011903417',
  /** Unregistered card (card status LOCAL_STOCK) (chip 044AC54A8E6180). */
  unregisteredLocalStock: '0900000074519',
  /** Unregistered card (card status PROVISIONED) (chip 047E2EEA053B80). */
  unregisteredProvisioned: '0900000020405',
  /** Group pass with social tariff; the dataset gives it no limit of its own (chip 04D0AB6AF85C80). */
  groupSocialTariff: '0900000045410',
  /** Group pass with a group coupon, max 50 sales per day (chip 048B25DAEE3880). */
  groupCoupons: '0900000191800',
  /** Guide example: SOCIALTARIFF (price 2 at 10) + coupon COUPON_1079 (price 1 at 10). */
  guideSocialTariffAndCoupon: '0900000672312',
  /** Guide example: coupon only (COUPON_2045). */
  guideCouponOnly: '0900010888817',
  /** Guide example: group pass with social tariff, remaining 50 (read as 50 per day, like 0900000191800). */
  guideGroup: '0900010630813',
} as const;

/** Chip numbers of the passes that have one (lookups are case-insensitive). */
export const CHIPS = {
  noSocialTariff: '04784CDAEE3880',
  socialTariff: '04363CDAEE3880',
  socialTariffExpired: '04CEE7528E6180',
  socialTariffGentbrugge: '04ED6ACACF6180',
  blocked: '04B00412F15284',
  socialTariffExpiredBrussels: '045157B2B63780',
  noSocialTariffOther: '045A4832633680',
  otherRegion: '045D69DAEE3880',
  unregisteredLocalStock: '044AC54A8E6180',
  unregisteredProvisioned: '047E2EEA053B80',
  groupSocialTariff: '04D0AB6AF85C80',
  groupCoupons: '048B25DAEE3880',
} as const;

/** Well-formed (13 digits) but unknown. */
export const UNKNOWN_UITPAS_NUMBER = '0999999999999';
/** Not a UiTPAS number at all. */
export const MALFORMED_UITPAS_NUMBER = '12345-abc';

export const COUPON_GUIDE = 'COUPON_1079';
export const COUPON_GUIDE_COUPON_ONLY = 'COUPON_2045';
export const COUPON_GROUP = 'COUPON_4001';
export const COUPONS_OTHER_REGION = ['COUPON_3101', 'COUPON_3102'] as const;

// --- Client permissions ---------------------------------------------------------------------------------

/** What our client may do for the test organizer (the public test client's permissions). */
/**
 * What publiq gives a new integration (TARIFFS_READ, TICKETSALES_REGISTER and the three PASSES_* reads), and two it
 * grants only on request that the product needs: TICKETSALES_SEARCH to settle a registration whose answer was lost,
 * ORGANIZERS_SEARCH to read UiTPAS organizers. README: "Where the sandbox is not publiq".
 */
export const TEST_CLIENT_PERMISSIONS: Permission[] = [
  'TARIFFS_READ',
  'TICKETSALES_REGISTER',
  'TICKETSALES_SEARCH',
  'PASSES_READ',
  'PASSES_INSZNUMBERS_READ',
  'PASSES_CHIPNUMBERS_READ',
  'ORGANIZERS_SEARCH',
];

/** nl/en labels for `permissionDetails` (nl from the UiTPAS examples where one exists). */
export const PERMISSION_LABELS: Record<string, { nl: string; en: string }> = {
  TARIFFS_READ: { nl: 'Tarieven opvragen', en: 'Read tariffs' },
  TICKETSALES_REGISTER: { nl: 'Ticketsales registreren', en: 'Register ticket sales' },
  TICKETSALES_SEARCH: { nl: 'Ticketsales zoeken', en: 'Search ticket sales' },
  PASSES_READ: { nl: 'Passen opvragen', en: 'Read passes' },
  PASSES_INSZNUMBERS_READ: { nl: 'Passen opvragen op INSZ', en: 'Read passes by INSZ' },
  PASSES_CHIPNUMBERS_READ: { nl: 'Passen opvragen op chipnummer', en: 'Read passes by chip number' },
  CARDS_READ: { nl: 'Kaarten opvragen', en: 'Read cards' },
  ORGANIZERS_SEARCH: { nl: 'Organisators zoeken', en: 'Search organizers' },
  EVENTS_READ: { nl: 'Activiteiten opvragen', en: 'Read events' },
  EVENTS_UPDATE: { nl: 'Activiteiten bewerken', en: 'Update events' },
  PASSHOLDERS_SEARCH: { nl: 'Pashouders zoeken', en: 'Search passholders' },
  CHECKINS_WRITE: { nl: 'Punten sparen', en: 'Collect points' },
};

// --- Seed -----------------------------------------------------------------------------------------------

/** All fixture timestamps are fixed (independent of the clock) so `modified` sorting is deterministic. */
export const FIXTURE_EPOCH_MS = Date.parse('2025-01-06T09:00:00.000Z');
const HOUR_MS = 60 * 60 * 1000;

export interface SeedData {
  cardSystems: CardSystem[];
  places: PlaceRecord[];
  organizers: OrganizerRecord[];
  uitpasOrganizers: UitpasOrganizerRecord[];
  permissions: { organizerId: string; permissions: Permission[] }[];
  events: Omit<EventRecord, 'seq'>[];
  uitpasEvents: UitpasEventRecord[];
  passes: PassRecord[];
}

const cardSystems: CardSystem[] = [
  {
    id: CARD_SYSTEM_GENT,
    name: 'UiTPAS Gent',
    permanent: true,
    cities: [
      { postalCode: '9000', name: 'Gent' },
      { postalCode: '9030', name: 'Mariakerke' },
      { postalCode: '9031', name: 'Drongen' },
      { postalCode: '9032', name: 'Wondelgem' },
      { postalCode: '9040', name: 'Sint-Amandsberg' },
      { postalCode: '9041', name: 'Oostakker' },
      { postalCode: '9050', name: 'Gentbrugge' },
      { postalCode: '9051', name: 'Sint-Denijs-Westrem' },
      { postalCode: '9052', name: 'Zwijnaarde' },
      { postalCode: '9090', name: 'Melle' },
    ],
    links: { website: 'https://www.uitpas.be' },
  },
  {
    id: CARD_SYSTEM_PASPARTOE,
    name: 'Paspartoe',
    permanent: true,
    cities: [
      { postalCode: '1000', name: 'Brussel' },
      { postalCode: '1030', name: 'Schaarbeek' },
      { postalCode: '1050', name: 'Elsene' },
      { postalCode: '1060', name: 'Sint-Gillis' },
      { postalCode: '1080', name: 'Sint-Jans-Molenbeek' },
    ],
    links: { website: 'https://www.paspartoe.brussels' },
  },
  {
    id: CARD_SYSTEM_DENDER,
    name: 'UiTPAS Dender',
    permanent: true,
    cities: [
      { postalCode: '9300', name: 'Aalst' },
      { postalCode: '9400', name: 'Ninove' },
    ],
    links: { website: 'https://www.uitpas.be' },
  },
];

function gentAddress(streetAddress: string) {
  return {
    nl: { addressCountry: 'BE', addressLocality: 'Gent', postalCode: '9000', streetAddress },
  };
}

/** Base price entry as UiTdatabank names it. */
export function basePrice(price: number): PriceInfoEntry {
  return {
    category: 'base',
    price,
    priceCurrency: 'EUR',
    name: { nl: 'Basistarief', fr: 'Tarif de base', de: 'Basisrate', en: 'Base tariff' },
  };
}

interface FixtureEventSpec {
  id: string;
  name: string;
  organizerId: string;
  /** Hours after FIXTURE_EPOCH_MS; created = modified - 1 h. */
  modifiedHour: number;
  workflowStatus?: EventRecord['workflowStatus'];
  priceInfo?: PriceInfoEntry[];
  audienceType?: EventRecord['audienceType'];
  calendar?: Pick<EventRecord, 'calendarType' | 'startDate' | 'endDate' | 'subEvent'>;
}

function fixtureEvent(spec: FixtureEventSpec): Omit<EventRecord, 'seq'> {
  const modifiedMs = FIXTURE_EPOCH_MS + spec.modifiedHour * HOUR_MS;
  const createdMs = modifiedMs - HOUR_MS;
  return {
    id: spec.id,
    mainLanguage: 'nl',
    name: { nl: spec.name },
    ...(spec.calendar ?? { calendarType: 'permanent' }),
    status: { type: 'Available' },
    bookingAvailability: { type: 'Available' },
    locationId: TEST_PLACE_ID,
    organizerId: spec.organizerId,
    priceInfo: spec.priceInfo ?? [basePrice(10)],
    terms: [{ id: '0.50.4.0.0', label: 'Concert', domain: 'eventtype' }],
    workflowStatus: spec.workflowStatus ?? 'APPROVED',
    audienceType: spec.audienceType ?? 'everyone',
    labels: [],
    hiddenLabels: [],
    availableFrom: new Date(createdMs).toISOString().replace('Z', '+00:00'),
    created: new Date(createdMs).toISOString().replace('Z', '+00:00'),
    modified: new Date(modifiedMs).toISOString().replace('Z', '+00:00'),
    extra: {},
  };
}

function uitpasEvent(
  eventId: string,
  options: { knownFrom?: number; ticketLimit?: PeriodLimit; enabled?: boolean } = {},
): UitpasEventRecord {
  const enabled = options.enabled ?? true;
  return {
    eventId,
    cardSystems: [
      { id: CARD_SYSTEM_GENT, enabled },
      { id: CARD_SYSTEM_PASPARTOE, enabled },
    ],
    knownFrom: options.knownFrom ?? FIXTURE_EPOCH_MS,
    ticketLimit: options.ticketLimit,
  };
}

const ACTIVE_UNTIL = '2030-12-31T22:59:59Z';
const EXPIRED_ON = '2024-12-31T22:59:59Z';

interface PassSpec {
  number: string;
  chip?: string;
  insz?: string[];
  firstName: string;
  postalCode: string;
  cardSystemId?: number;
  socialTariff: 'ACTIVE' | 'EXPIRED' | 'NONE';
  cardStatus?: PassRecord['cardStatus'];
  passType?: PassRecord['passType'];
  coupons?: PassRecord['coupons'];
  groupLimit?: PeriodLimit;
  points?: number;
}

function pass(spec: PassSpec): PassRecord {
  return {
    uitpasNumber: spec.number,
    chipNumber: spec.chip,
    inszNumbers: spec.insz ?? [],
    passholderId: stableUuid(`passholder:${spec.number}`),
    passType: spec.passType ?? 'INDIVIDUAL',
    firstName: spec.firstName,
    points: spec.points ?? 0,
    postalCode: spec.postalCode,
    cardSystemId: spec.cardSystemId ?? CARD_SYSTEM_GENT,
    socialTariff:
      spec.socialTariff === 'NONE'
        ? { status: 'NONE' }
        : { status: spec.socialTariff, endDate: spec.socialTariff === 'ACTIVE' ? ACTIVE_UNTIL : EXPIRED_ON },
    cardStatus: spec.cardStatus ?? 'ACTIVE',
    coupons: spec.coupons ?? [],
    groupLimit: spec.groupLimit,
  };
}

/** Builds a fresh copy of the seed (callers mutate it). `lateKnownFrom` = epoch ms for LATE_EVENT_ID. */
export function buildSeed(lateKnownFrom: number): SeedData {
  const organizers: OrganizerRecord[] = [
    {
      id: TEST_ORGANIZER_ID,
      mainLanguage: 'nl',
      name: { nl: '[TEST] UiTPAS Organisatie (Regio Gent + Paspartoe)' },
      url: 'https://www.uitpas-test-organisatie.be',
      address: gentAddress('Sint-Pietersnieuwstraat 1'),
      labels: [],
      hiddenLabels: [],
      workflowStatus: 'ACTIVE',
      created: '2024-01-01T09:00:00.000+00:00',
      modified: '2024-01-01T09:00:00.000+00:00',
    },
    {
      id: OTHER_UITPAS_ORGANIZER_ID,
      mainLanguage: 'nl',
      name: { nl: '[TEST] UiTPAS Organisatie zonder rechten' },
      url: 'https://www.uitpas-organisatie-zonder-rechten.be',
      address: gentAddress('Korenmarkt 2'),
      labels: [],
      hiddenLabels: [],
      workflowStatus: 'ACTIVE',
      created: '2024-01-02T09:00:00.000+00:00',
      modified: '2024-01-02T09:00:00.000+00:00',
    },
    {
      id: NON_UITPAS_ORGANIZER_ID,
      mainLanguage: 'nl',
      name: { nl: 'Cultuurcentrum Zonder UiTPAS' },
      url: 'https://www.cc-zonder-uitpas.be',
      address: gentAddress('Vrijdagmarkt 3'),
      labels: [],
      hiddenLabels: [],
      workflowStatus: 'ACTIVE',
      created: '2024-01-03T09:00:00.000+00:00',
      modified: '2024-01-03T09:00:00.000+00:00',
    },
  ];

  const uitpasOrganizers: UitpasOrganizerRecord[] = [
    {
      id: TEST_ORGANIZER_ID,
      name: '[TEST] UiTPAS Organisatie (Regio Gent + Paspartoe)',
      cardSystemIds: [CARD_SYSTEM_GENT, CARD_SYSTEM_PASPARTOE],
      address: { street: 'Sint-Pietersnieuwstraat 1', postalCode: '9000', city: 'Gent' },
      linkedLocationId: TEST_PLACE_ID,
    },
    {
      id: OTHER_UITPAS_ORGANIZER_ID,
      name: '[TEST] UiTPAS Organisatie zonder rechten',
      cardSystemIds: [CARD_SYSTEM_GENT, CARD_SYSTEM_PASPARTOE],
      address: { street: 'Korenmarkt 2', postalCode: '9000', city: 'Gent' },
    },
  ];

  const events = [
    fixtureEvent({
      id: TEST_EVENT_ID,
      name: 'Permanente UiTPAS Test Festiviteit',
      organizerId: TEST_ORGANIZER_ID,
      modifiedHour: 1,
    }),
    fixtureEvent({
      id: LIMITED_EVENT_ID,
      name: 'Test event met beperkte aankoop',
      organizerId: TEST_ORGANIZER_ID,
      modifiedHour: 2,
    }),
    fixtureEvent({
      id: NO_PERMISSION_EVENT_ID,
      name: 'Test event with no permission',
      organizerId: OTHER_UITPAS_ORGANIZER_ID,
      modifiedHour: 3,
    }),
    fixtureEvent({
      id: NO_BASE_PRICE_EVENT_ID,
      name: '[TEST] Evenement zonder basisprijs',
      organizerId: TEST_ORGANIZER_ID,
      modifiedHour: 4,
      priceInfo: [],
    }),
    fixtureEvent({
      id: DRAFT_EVENT_ID,
      name: '[TEST] Evenement in draft',
      organizerId: TEST_ORGANIZER_ID,
      modifiedHour: 5,
      workflowStatus: 'DRAFT',
    }),
    fixtureEvent({
      id: DELETED_EVENT_ID,
      name: '[TEST] Verwijderd evenement',
      organizerId: TEST_ORGANIZER_ID,
      modifiedHour: 6,
      workflowStatus: 'DELETED',
    }),
    fixtureEvent({
      id: NOT_IN_UITPAS_EVENT_ID,
      name: '[TEST] Evenement onbekend bij UiTPAS',
      organizerId: TEST_ORGANIZER_ID,
      modifiedHour: 7,
    }),
    fixtureEvent({
      id: CARD_SYSTEMS_DISABLED_EVENT_ID,
      name: '[TEST] Evenement zonder kaartsystemen',
      organizerId: TEST_ORGANIZER_ID,
      modifiedHour: 8,
    }),
    fixtureEvent({
      id: LATE_EVENT_ID,
      name: '[TEST] Evenement dat UiTPAS later leert kennen',
      organizerId: TEST_ORGANIZER_ID,
      modifiedHour: 9,
    }),
    fixtureEvent({
      id: LEGACY_ID_EVENT_ID,
      name: '[TEST] Evenement met legacy id',
      organizerId: TEST_ORGANIZER_ID,
      modifiedHour: 10,
    }),
    fixtureEvent({
      id: NON_UITPAS_ORGANIZER_EVENT_ID,
      name: '[TEST] Evenement van een niet-UiTPAS-organisator',
      organizerId: NON_UITPAS_ORGANIZER_ID,
      modifiedHour: 11,
    }),
    fixtureEvent({
      id: PAST_EVENT_ID,
      name: '[TEST] Voorbij evenement',
      organizerId: TEST_ORGANIZER_ID,
      modifiedHour: 12,
      calendar: {
        calendarType: 'single',
        startDate: '2024-05-01T18:00:00+00:00',
        endDate: '2024-05-01T22:00:00+00:00',
        subEvent: [{ startDate: '2024-05-01T18:00:00+00:00', endDate: '2024-05-01T22:00:00+00:00' }],
      },
    }),
    fixtureEvent({
      id: MEMBERS_ONLY_EVENT_ID,
      name: '[TEST] Besloten UiTPAS-evenement',
      organizerId: TEST_ORGANIZER_ID,
      modifiedHour: 13,
      audienceType: 'members',
    }),
  ];

  const uitpasEvents: UitpasEventRecord[] = [
    uitpasEvent(TEST_EVENT_ID, { ticketLimit: { volume: 100, periodType: 'WEEK' } }),
    uitpasEvent(LIMITED_EVENT_ID, { ticketLimit: { volume: 1, periodType: 'WEEK' } }),
    uitpasEvent(NO_PERMISSION_EVENT_ID),
    uitpasEvent(NO_BASE_PRICE_EVENT_ID),
    uitpasEvent(DELETED_EVENT_ID),
    uitpasEvent(CARD_SYSTEMS_DISABLED_EVENT_ID, { enabled: false }),
    uitpasEvent(LATE_EVENT_ID, { knownFrom: lateKnownFrom }),
    uitpasEvent(LEGACY_ID_EVENT_ID),
    uitpasEvent(PAST_EVENT_ID),
    uitpasEvent(MEMBERS_ONLY_EVENT_ID),
  ];

  const passes: PassRecord[] = [
    pass({
      number: PASSES.noSocialTariff,
      chip: CHIPS.noSocialTariff,
      insz: ['83030201540'],
      firstName: 'Jan',
      postalCode: '9000',
      socialTariff: 'NONE',
      points: 120,
    }),
    pass({
      number: PASSES.socialTariff,
      chip: CHIPS.socialTariff,
      insz: ['36051380284'],
      firstName: 'Maria',
      postalCode: '9090',
      socialTariff: 'ACTIVE',
      points: 85,
    }),
    pass({
      number: PASSES.socialTariffExpired,
      chip: CHIPS.socialTariffExpired,
      insz: ['66010101785'],
      firstName: 'Pieter',
      postalCode: '9000',
      socialTariff: 'EXPIRED',
    }),
    pass({
      number: PASSES.socialTariffGentbrugge,
      chip: CHIPS.socialTariffGentbrugge,
      insz: ['08091860684'],
      firstName: 'Lotte',
      postalCode: '9090',
      socialTariff: 'ACTIVE',
    }),
    pass({
      number: PASSES.blocked,
      chip: CHIPS.blocked,
      insz: ['71030360442'],
      firstName: 'Karel',
      postalCode: '9000',
      socialTariff: 'ACTIVE',
      cardStatus: 'BLOCKED',
    }),
    pass({
      number: PASSES.socialTariffExpiredBrussels,
      chip: CHIPS.socialTariffExpiredBrussels,
      insz: ['17010180147'],
      firstName: 'Amina',
      postalCode: '1000',
      cardSystemId: CARD_SYSTEM_PASPARTOE,
      socialTariff: 'EXPIRED',
    }),
    pass({
      number: PASSES.noSocialTariffOther,
      chip: CHIPS.noSocialTariffOther,
      insz: ['80010101392'],
      firstName: 'Els',
      postalCode: '9000',
      socialTariff: 'NONE',
    }),
    pass({
      number: PASSES.otherRegion,
      chip: CHIPS.otherRegion,
      insz: ['10010105762'],
      firstName: 'Tom',
      postalCode: '9000',
      cardSystemId: CARD_SYSTEM_DENDER,
      socialTariff: 'ACTIVE',
      coupons: [
        {
          id: 'COUPON_3101',
          name: 'Cultuurbon 5 euro (Dender)',
          cardSystemId: CARD_SYSTEM_DENDER,
          discount: { kind: 'amount', amount: 5 },
        },
        {
          id: 'COUPON_3102',
          name: 'Gratis zwembadbeurt (Dender)',
          cardSystemId: CARD_SYSTEM_DENDER,
          discount: { kind: 'price', price: 0 },
        },
      ],
    }),
    // Listed twice in the docs: parent and child share the number (a doc error, brief §9.15). Seeded once, as the
    // parent, and found by both INSZ numbers, since the dataset gives the child's INSZ that same UiTPAS number.
    pass({
      number: PASSES.familyParent,
      insz: ['80010170282', '20010170215'],
      firstName: 'Sofie',
      postalCode: '9000',
      socialTariff: 'NONE',
    }),
    pass({
      number: PASSES.familySocialTariff,
      insz: ['91063061055'],
      firstName: 'Nadia',
      postalCode: '9000',
      socialTariff: 'ACTIVE',
    }),
    pass({
      number: PASSES.familyChildSocialTariff,
      insz: ['15021760024'],
      firstName: 'Yasmine',
      postalCode: '9000',
      socialTariff: 'ACTIVE',
    }),
    pass({
      number: PASSES.unregisteredLocalStock,
      chip: CHIPS.unregisteredLocalStock,
      firstName: '',
      postalCode: '',
      socialTariff: 'ACTIVE',
      cardStatus: 'LOCAL_STOCK',
    }),
    pass({
      number: PASSES.unregisteredProvisioned,
      chip: CHIPS.unregisteredProvisioned,
      firstName: '',
      postalCode: '',
      socialTariff: 'NONE',
      cardStatus: 'PROVISIONED',
    }),
    pass({
      number: PASSES.groupSocialTariff,
      chip: CHIPS.groupSocialTariff,
      firstName: 'Groep Vzw De Buurt',
      postalCode: '9000',
      socialTariff: 'ACTIVE',
      passType: 'GROUP',
    }),
    pass({
      number: PASSES.groupCoupons,
      chip: CHIPS.groupCoupons,
      firstName: 'Groep Jeugdhuis',
      postalCode: '9000',
      socialTariff: 'NONE',
      passType: 'GROUP',
      groupLimit: { volume: 50, periodType: 'DAY' },
      coupons: [
        {
          id: COUPON_GROUP,
          name: 'Groepscoupon 50% korting',
          cardSystemId: CARD_SYSTEM_GENT,
          discount: { kind: 'percentage', percentage: 50 },
          limit: { volume: 50, periodType: 'DAY' },
        },
      ],
    }),
    pass({
      number: PASSES.guideSocialTariffAndCoupon,
      firstName: 'An',
      postalCode: '9000',
      socialTariff: 'ACTIVE',
      coupons: [
        {
          id: COUPON_GUIDE,
          name: 'Cultuurbon 9 euro',
          cardSystemId: CARD_SYSTEM_GENT,
          discount: { kind: 'amount', amount: 9 },
        },
      ],
    }),
    pass({
      number: PASSES.guideCouponOnly,
      firstName: 'Bram',
      postalCode: '9000',
      socialTariff: 'NONE',
      coupons: [
        {
          id: COUPON_GUIDE_COUPON_ONLY,
          name: '2 euro korting',
          cardSystemId: CARD_SYSTEM_GENT,
          discount: { kind: 'amount', amount: 2 },
        },
      ],
    }),
    pass({
      number: PASSES.guideGroup,
      firstName: 'Groep Buurthuis',
      postalCode: '9000',
      socialTariff: 'ACTIVE',
      passType: 'GROUP',
      groupLimit: { volume: 50, periodType: 'DAY' },
    }),
  ];

  return {
    cardSystems: structuredClone(cardSystems),
    places: [
      {
        id: TEST_PLACE_ID,
        mainLanguage: 'nl',
        name: { nl: '[TEST] Zaal UiTPAS Gent' },
        address: gentAddress('Sint-Pietersplein 5'),
      },
    ],
    organizers,
    uitpasOrganizers,
    permissions: [{ organizerId: TEST_ORGANIZER_ID, permissions: [...TEST_CLIENT_PERMISSIONS] }],
    events,
    uitpasEvents,
    passes,
  };
}
