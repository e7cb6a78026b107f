/**
 * Response schemas of the UiTPAS API 4.0 endpoints the integration uses, after the published OpenAPI. Required
 * fields are the OpenAPI's; unknown fields are kept; enums are open (see lib/adapters/http-client/schema-helpers.ts).
 */
import * as z from '../../zod.js';
import { endUserMessageSchema, lazily, openEnum } from '../http-client/schema-helpers.js';

export const PERMISSIONS = [
  'TARIFFS_READ',
  'TICKETSALES_SEARCH',
  'TICKETSALES_REGISTER',
  'EVENTS_UPDATE',
  'EVENTS_READ',
  'EVENT_SETTINGS_READ',
  'EVENT_SETTINGS_UPDATE',
  'EVENTS_UPDATE_ALL',
  'EVENTS_READ_ALL',
  'EVENT_SETTINGS_READ_ALL',
  'EVENT_SETTINGS_UPDATE_ALL',
  'ORGANIZERS_SEARCH',
  'PASSES_READ',
  'PASSES_INSZNUMBERS_READ',
  'PASSES_CHIPNUMBERS_READ',
  'CARDS_READ',
  'PASSHOLDERS_SEARCH',
  'GROUPPASSES_SEARCH',
  'PASSHOLDER_COUPONS_READ',
  'PERMISSIONS_READ',
] as const;
/** The permissions that matter to ticketing; the API knows more and may add others. */
export type Permission = (typeof PERMISSIONS)[number] | (string & {});

export const TARIFF_TYPES = ['SOCIALTARIFF', 'COUPON'] as const;
export type TariffType = (typeof TARIFF_TYPES)[number];

export const citySchema = lazily(() => z.looseObject({ postalCode: z.string(), name: z.string() }));

export const cardSystemSchema = lazily(() =>
  z.looseObject({
    id: z.number().check(z.int()),
    name: z.optional(z.string()),
    branding: z.optional(
      z.looseObject({
        logo: z.optional(z.string()),
        primaryColor: z.optional(z.string()),
        secondaryColor: z.optional(z.string()),
      }),
    ),
    links: z.optional(z.looseObject({ website: z.optional(z.string()) })),
    cities: z.optional(z.array(citySchema())),
    permanent: z.optional(z.boolean()),
    allowsCardlessRegistration: z.optional(z.boolean()),
    cardlessRegistrationType: z.optional(openEnum(['ALL', 'REGULAR', 'SOCIALTARIFF', 'NONE'] as const)),
    socialTariffInfo: z.optional(z.string()),
  }),
);
export type CardSystem = z.infer<ReturnType<typeof cardSystemSchema>>;

export const passSchema = lazily(() =>
  z.looseObject({
    passholderId: z.string(),
    passType: openEnum(['INDIVIDUAL', 'GROUP'] as const),
    uitpasNumber: z.string(),
    firstName: z.string(),
    points: z.number().check(z.int()),
    postalCode: z.string(),
    cardSystem: cardSystemSchema(),
    socialTariff: z.looseObject({
      /** Only `ACTIVE` entitles the holder; never derive it from `endDate` (grace periods). */
      status: openEnum(['ACTIVE', 'EXPIRED', 'NONE'] as const),
      endDate: z.optional(z.string()),
    }),
    /** Must be shown to the user when present; passed on to the till as `{ level, text }`, nothing else. */
    messages: z.optional(
      z.array(z.object({ level: openEnum(['INFO', 'WARN', 'ERROR'] as const), text: z.string() })),
    ),
  }),
);
export type Pass = z.infer<ReturnType<typeof passSchema>>;

export const tariffSchema = lazily(() =>
  z.looseObject({
    id: z.string(),
    name: z.optional(z.string()),
    price: z.optional(z.number()),
    type: z.optional(openEnum(TARIFF_TYPES)),
  }),
);
export type Tariff = z.infer<ReturnType<typeof tariffSchema>>;

/** `TariffAvailibility` in the OpenAPI. */
export const tariffAvailabilitySchema = lazily(() =>
  z.extend(tariffSchema(), { remaining: z.number().check(z.int()) }),
);
export type TariffAvailability = z.infer<ReturnType<typeof tariffAvailabilitySchema>>;

export const tariffsResponseSchema = lazily(() =>
  z.looseObject({
    available: z._default(z.array(tariffAvailabilitySchema()), []),
    /** Why an expected tariff is missing; can come with an empty or a non-empty `available`. */
    endUserMessage: z.optional(endUserMessageSchema()),
  }),
);
export type TariffsResponse = z.infer<ReturnType<typeof tariffsResponseSchema>>;

/**
 * `GET /tariffs/static`: what a hypothetical social-tariff holder living in the organizer's region would pay. The
 * OpenAPI answers it with TariffsResponse, `remaining` required, but no passholder stands behind the answer, so no
 * count of tickets left means anything: read as optional here, so an answer without it still parses (nothing uses it).
 * The ids are not those of a passholder's `GET /tariffs` (the OpenAPI's example says `SOCIALTARIFF-1`): never
 * register a sale with one.
 */
export const staticTariffsResponseSchema = lazily(() =>
  z.extend(tariffsResponseSchema(), {
    available: z._default(
      z.array(z.extend(tariffSchema(), { remaining: z.optional(z.number().check(z.int())) })),
      [],
    ),
  }),
);
export type StaticTariffsResponse = z.infer<ReturnType<typeof staticTariffsResponseSchema>>;

export const ticketSaleSchema = lazily(() =>
  z.looseObject({
    /**
     * Needed to cancel the sale: required in the answer to a POST although the OpenAPI only marks it read-only. A POST
     * answer without it fails the parse as `invalid-response` that may have applied, so the order takes the
     * unknown-outcome path and finds its sales by search, ids included; nothing is registered twice or left behind.
     */
    id: z.string(),
    creationDate: z.optional(z.string()),
    regularPrice: z.number(),
    regularPriceLabel: z.optional(z.string()),
    tariffId: z.optional(z.string()),
    tariff: tariffSchema(),
    eventId: z.string(),
    eventTitle: z.optional(z.string()),
    uitpasNumber: z.string(),
    /** Only with PASSHOLDERS_SEARCH; may be empty for group passes. */
    passholder: z.optional(z.looseObject({})),
  }),
);
export type TicketSale = z.infer<ReturnType<typeof ticketSaleSchema>>;
export const ticketSalesSchema = lazily(() => z.array(ticketSaleSchema()));

/** One ticket to register: N tickets at one tariff are N identical objects. */
export interface TicketSaleRequest {
  regularPrice: number;
  regularPriceLabel?: string;
  tariff: { id: string };
  eventId: string;
  uitpasNumber: string;
}

/**
 * A page of `GET /ticket-sales`. The OpenAPI requires neither `totalItems` nor a member's `id`: without the count the
 * caller pages until a page comes back empty; a member without an id cannot be claimed or cancelled, so the client
 * leaves it out (and logs it) rather than failing the page, which would block every order waiting on this search.
 */
export const ticketSalePageSchema = lazily(() =>
  z.looseObject({
    totalItems: z.optional(z.number().check(z.int())),
    member: z._default(z.array(z.extend(ticketSaleSchema(), { id: z.optional(z.string()) })), []),
  }),
);
export interface TicketSalePage {
  totalItems: number | undefined;
  member: TicketSale[];
}

export const uitpasOrganizerSchema = lazily(() =>
  z.looseObject({
    /** The UiTdatabank organizer id. */
    id: z.string(),
    name: z.optional(z.string()),
    cardSystems: z.optional(z.array(cardSystemSchema())),
    /** A UiTdatabank place id. */
    linkedLocationId: z.optional(z.string()),
    address: z.optional(
      z.looseObject({ street: z.optional(z.string()), postalCode: z.optional(z.string()), city: z.string() }),
    ),
  }),
);
export type UitpasOrganizer = z.infer<ReturnType<typeof uitpasOrganizerSchema>>;

export const permissionDetailSchema = lazily(() =>
  z.looseObject({
    id: openEnum(PERMISSIONS),
    label: z.optional(z.looseObject({ nl: z.string(), en: z.optional(z.string()) })),
    /** When present, the permission holds only for these card systems. */
    cardSystemIds: z.optional(z.array(z.number().check(z.int()))),
  }),
);
export type PermissionDetail = z.infer<ReturnType<typeof permissionDetailSchema>>;

export const organizerPermissionsSchema = lazily(() =>
  z.looseObject({
    organizer: uitpasOrganizerSchema(),
    /** @deprecated upstream: use `permissionDetails`. */
    permissions: z.optional(z.array(openEnum(PERMISSIONS))),
    permissionDetails: z.optional(z.array(permissionDetailSchema())),
    linkedOrganizers: z.optional(
      z.array(
        z.looseObject({
          organizer: uitpasOrganizerSchema(),
          permissionDetails: z.optional(z.array(permissionDetailSchema())),
        }),
      ),
    ),
  }),
);
export type OrganizerPermissions = z.infer<ReturnType<typeof organizerPermissionsSchema>>;
export const permissionsResponseSchema = lazily(() => z.array(organizerPermissionsSchema()));

export const eventCardSystemSchema = lazily(() =>
  z.looseObject({
    id: z.number().check(z.int()),
    name: z.optional(z.string()),
    enabled: z.boolean(),
    manualDistributionKeys: z.optional(
      z.array(
        z.looseObject({ id: z.number().check(z.int()), name: z.optional(z.string()), enabled: z.boolean() }),
      ),
    ),
  }),
);
export type EventCardSystem = z.infer<ReturnType<typeof eventCardSystemSchema>>;
export const eventCardSystemsSchema = lazily(() => z.array(eventCardSystemSchema()));
