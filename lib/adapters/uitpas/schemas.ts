/**
 * Response schemas of the UiTPAS API 4.0 endpoints the integration uses, after the published OpenAPI. Required
 * fields are the OpenAPI's; unknown fields are kept; enums are open (see lib/adapters/http-client/schema-helpers.ts).
 */
import * as z from 'zod';
import { endUserMessageSchema, openEnum } from '../http-client/schema-helpers.js';

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

export const citySchema = z.looseObject({ postalCode: z.string(), name: z.string() });

export const cardSystemSchema = z.looseObject({
  id: z.number().int(),
  name: z.string().optional(),
  branding: z
    .looseObject({
      logo: z.string().optional(),
      primaryColor: z.string().optional(),
      secondaryColor: z.string().optional(),
    })
    .optional(),
  links: z.looseObject({ website: z.string().optional() }).optional(),
  cities: z.array(citySchema).optional(),
  permanent: z.boolean().optional(),
  allowsCardlessRegistration: z.boolean().optional(),
  cardlessRegistrationType: openEnum(['ALL', 'REGULAR', 'SOCIALTARIFF', 'NONE'] as const).optional(),
  socialTariffInfo: z.string().optional(),
});
export type CardSystem = z.infer<typeof cardSystemSchema>;

export const passSchema = z.looseObject({
  passholderId: z.string(),
  passType: openEnum(['INDIVIDUAL', 'GROUP'] as const),
  uitpasNumber: z.string(),
  firstName: z.string(),
  points: z.number().int(),
  postalCode: z.string(),
  cardSystem: cardSystemSchema,
  socialTariff: z.looseObject({
    /** Only `ACTIVE` entitles the holder; never derive it from `endDate` (grace periods). */
    status: openEnum(['ACTIVE', 'EXPIRED', 'NONE'] as const),
    endDate: z.string().optional(),
  }),
  /** Must be shown to the user when present; passed on to the till as `{ level, text }`, nothing else. */
  messages: z
    .array(z.object({ level: openEnum(['INFO', 'WARN', 'ERROR'] as const), text: z.string() }))
    .optional(),
});
export type Pass = z.infer<typeof passSchema>;

export const tariffSchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  price: z.number().optional(),
  type: openEnum(TARIFF_TYPES).optional(),
});
export type Tariff = z.infer<typeof tariffSchema>;

/** `TariffAvailibility` in the OpenAPI. */
export const tariffAvailabilitySchema = tariffSchema.extend({ remaining: z.number().int() });
export type TariffAvailability = z.infer<typeof tariffAvailabilitySchema>;

export const tariffsResponseSchema = z.looseObject({
  available: z.array(tariffAvailabilitySchema).default([]),
  /** Why an expected tariff is missing; can come with an empty or a non-empty `available`. */
  endUserMessage: endUserMessageSchema.optional(),
});
export type TariffsResponse = z.infer<typeof tariffsResponseSchema>;

/**
 * `GET /tariffs/static`: what a hypothetical social-tariff holder living in the organizer's region would pay. The
 * OpenAPI answers it with TariffsResponse, `remaining` required, but no passholder stands behind the answer, so no
 * count of tickets left means anything: read as optional here, so an answer without it still parses (nothing uses it).
 * The ids are not those of a passholder's `GET /tariffs` (the OpenAPI's example says `SOCIALTARIFF-1`): never
 * register a sale with one.
 */
export const staticTariffsResponseSchema = tariffsResponseSchema.extend({
  available: z.array(tariffSchema.extend({ remaining: z.number().int().optional() })).default([]),
});
export type StaticTariffsResponse = z.infer<typeof staticTariffsResponseSchema>;

export const ticketSaleSchema = z.looseObject({
  /**
   * Needed to cancel the sale: required in the answer to a POST although the OpenAPI only marks it read-only. A POST
   * answer without it fails the parse as `invalid-response` that may have applied, so the order takes the
   * unknown-outcome path and finds its sales by search, ids included; nothing is registered twice or left behind.
   */
  id: z.string(),
  creationDate: z.string().optional(),
  regularPrice: z.number(),
  regularPriceLabel: z.string().optional(),
  tariffId: z.string().optional(),
  tariff: tariffSchema,
  eventId: z.string(),
  eventTitle: z.string().optional(),
  uitpasNumber: z.string(),
  /** Only with PASSHOLDERS_SEARCH; may be empty for group passes. */
  passholder: z.looseObject({}).optional(),
});
export type TicketSale = z.infer<typeof ticketSaleSchema>;
export const ticketSalesSchema = z.array(ticketSaleSchema);

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
export const ticketSalePageSchema = z.looseObject({
  totalItems: z.number().int().optional(),
  member: z.array(ticketSaleSchema.extend({ id: z.string().optional() })).default([]),
});
export interface TicketSalePage {
  totalItems: number | undefined;
  member: TicketSale[];
}

export const uitpasOrganizerSchema = z.looseObject({
  /** The UiTdatabank organizer id. */
  id: z.string(),
  name: z.string().optional(),
  cardSystems: z.array(cardSystemSchema).optional(),
  /** A UiTdatabank place id. */
  linkedLocationId: z.string().optional(),
  address: z
    .looseObject({ street: z.string().optional(), postalCode: z.string().optional(), city: z.string() })
    .optional(),
});
export type UitpasOrganizer = z.infer<typeof uitpasOrganizerSchema>;

export const permissionDetailSchema = z.looseObject({
  id: openEnum(PERMISSIONS),
  label: z.looseObject({ nl: z.string(), en: z.string().optional() }).optional(),
  /** When present, the permission holds only for these card systems. */
  cardSystemIds: z.array(z.number().int()).optional(),
});
export type PermissionDetail = z.infer<typeof permissionDetailSchema>;

export const organizerPermissionsSchema = z.looseObject({
  organizer: uitpasOrganizerSchema,
  /** @deprecated upstream: use `permissionDetails`. */
  permissions: z.array(openEnum(PERMISSIONS)).optional(),
  permissionDetails: z.array(permissionDetailSchema).optional(),
  linkedOrganizers: z
    .array(
      z.looseObject({
        organizer: uitpasOrganizerSchema,
        permissionDetails: z.array(permissionDetailSchema).optional(),
      }),
    )
    .optional(),
});
export type OrganizerPermissions = z.infer<typeof organizerPermissionsSchema>;
export const permissionsResponseSchema = z.array(organizerPermissionsSchema);

export const eventCardSystemSchema = z.looseObject({
  id: z.number().int(),
  name: z.string().optional(),
  enabled: z.boolean(),
  manualDistributionKeys: z
    .array(z.looseObject({ id: z.number().int(), name: z.string().optional(), enabled: z.boolean() }))
    .optional(),
});
export type EventCardSystem = z.infer<typeof eventCardSystemSchema>;
export const eventCardSystemsSchema = z.array(eventCardSystemSchema);
