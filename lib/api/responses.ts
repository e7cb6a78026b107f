/**
 * The bodies our HTTP API answers with on success, as zod schemas for the OpenAPI document (lib/api/document.ts).
 * Each schema describes exactly what a route serialises: `z.object` renders with `additionalProperties: false` in
 * output mode, so a field the code starts to send without it being documented here fails the document's checks.
 *
 * The shapes are the code's own (the handlers in lib/handlers, the use cases they call, the views of lib/domain);
 * the drift guard at the end of this file fails to compile when one of those types and its schema part ways.
 * Error bodies (application/problem+json) are lib/api/problems.ts's.
 */
import * as z from 'zod';
import type { AuditEntry } from '../domain/audit.js';
import type { Organisation, Promotor, TicketingEvent } from '../domain/mappings.js';
import type { Page } from '../domain/page.js';
import type { PassView } from '../domain/pass.js';
import { READINESS_ITEM_IDS, type ReadinessReport } from '../domain/readiness.js';
import type { TariffAnswer } from '../domain/tariffs.js';
import { ORDER_STATUSES, type OrderView, type TicketSalesReport } from '../domain/ticket-sales/index.js';
import {
  DISCREPANCY_KINDS,
  type DiscrepancyKind,
  OPERATOR_ACTION,
} from '../domain/ticket-sales/reconciliation.js';
import type { UitpasPrices } from '../domain/uitpas-prices.js';
import type { createHandler as createHealthHandler } from '../handlers/health.js';
import type { listOrganisations } from '../use-cases/mapping-admin/organisations.js';
import type { listPromotors } from '../use-cases/mapping-admin/promotors.js';
import type { OrganisationReadinessReport } from '../use-cases/readiness/check.js';
import type { EventReconciliation } from '../use-cases/reconciliation/ports.js';
import type { RunResult } from '../use-cases/reconciliation/run.js';

// --- building blocks ---------------------------------------------------------------------------------------------

/** A time this service wrote: always `Date#toISOString()`, in UTC with milliseconds. */
const timestamp = () => z.iso.datetime();
/** A date-time the ticketing system gave: checked on the way in (lib/use-cases/mapping-admin/schemas.ts). */
const eventDateTime = () => z.iso.datetime({ offset: true });
/** EUR, at most 2 decimals. */
const euro = () => z.number().min(0);

/**
 * publiq's end-user message, as UiTPAS gives it: Dutch always, other languages sometimes. Exported so the problem
 * bodies can share it.
 */
export const endUserMessage = z
  .object({
    nl: z.string(),
    fr: z.string().optional(),
    de: z.string().optional(),
    en: z.string().optional(),
  })
  .meta({
    description:
      'A message for the buyer or cashier, from publiq: Dutch always, French, German, English sometimes.',
  });

/** A ticket type of a ticketing event, as the ticketing system sent it. */
export const ticketType = z
  .object({
    id: z.string(),
    name: z.string(),
    price: euro().meta({ description: 'EUR, at most 2 decimals.' }),
    standard: z.boolean().meta({
      description:
        'The one ticket type at the base price: the only one UiTPAS discounts (exactly one per event).',
    }),
  })
  .meta({ description: 'A ticket type of the event.' });

/** A card system as a readiness or tariff check names it. */
const cardSystemRef = z.object({
  id: z.number().int(),
  name: z.string().nullable().meta({ description: 'Null when UiTPAS gave no name.' }),
});

/** The metadata of every stored event, organisation and promotor. */
const versioned = {
  createdAt: timestamp(),
  updatedAt: timestamp(),
  updatedBy: z.string().meta({
    description: 'The client name of the API key that saved it last, or `uitdatabank-sync` for the sync.',
  }),
  version: z.number().int().min(1).meta({
    description:
      '1 on create, +1 on every change; also the ETag. Send it back (If-Match or `version`) so a save cannot overwrite a change made since.',
  }),
};

const nextCursor = z.string().nullable().meta({
  description:
    'Opaque: pass it back as `cursor` (with the same filters) for the next page. Null on the last page.',
});

// --- GET /v1/health ----------------------------------------------------------------------------------------------

export const healthResponse = z
  .object({
    status: z.literal('ok'),
    service: z.literal('uitpas-ticketing'),
    version: z.string().meta({ description: 'The deployed build.' }),
  })
  .meta({
    id: 'HealthResponse',
    description:
      'The API is up. Touches nothing else: it stays green while UiTPAS is down (the routes that need UiTPAS say so themselves).',
  });

// --- POST /v1/passes/validate ------------------------------------------------------------------------------------

export const passResponse = z
  .object({
    uitpasNumber: z.string().meta({
      description: 'The 13-digit UiTPAS number, also when the pass was found by INSZ or chip number.',
    }),
    identifiedBy: z.enum(['uitpasNumber', 'chipNumber', 'insz']).meta({
      description: 'Which kind of identifier was given, so the till can say "found by INSZ".',
    }),
    passType: z.string().meta({
      description: 'As UiTPAS says it: `INDIVIDUAL` or `GROUP` (UiTPAS may add values).',
      examples: ['INDIVIDUAL', 'GROUP'],
    }),
    isGroupPass: z.boolean().meta({
      description: 'A group pass (an organisation) may buy several tickets at the social tariff.',
    }),
    firstName: z.string(),
    cardSystem: cardSystemRef.meta({ description: 'The card system (region) the pass belongs to.' }),
    socialTariff: z
      .object({
        status: z.string().meta({
          description:
            'As UiTPAS says it: only `ACTIVE` entitles to the social tariff; `NONE` does not. An expired social tariff is answered as a 422 problem instead.',
          examples: ['ACTIVE', 'NONE'],
        }),
        endDate: z.string().nullable().meta({
          description: 'As UiTPAS gives it; informative only (a grace period keeps a tariff ACTIVE past it).',
        }),
      })
      .meta({ description: 'The social tariff ("kansentarief") of the passholder.' }),
    points: z.number().int().meta({ description: 'The passholder’s UiTPAS points.' }),
    messages: z
      .array(
        z.object({
          level: z.string().meta({ description: '`INFO`, `WARN` or `ERROR`.', examples: ['INFO', 'WARN'] }),
          text: z.string(),
        }),
      )
      .meta({ description: 'UiTPAS asks that these are shown to the passholder.' }),
  })
  .meta({
    id: 'PassResponse',
    description:
      'The pass as the till needs it: who holds it, its social tariff status and UiTPAS’s messages.',
  });

// --- POST /v1/tariffs --------------------------------------------------------------------------------------------

export const tariffsResponse = z
  .object({
    eventId: z.string().meta({ description: 'The ticketing system’s event id, as asked.' }),
    uitdatabankId: z.string().meta({ description: 'The UiTdatabank event the tariffs were asked for.' }),
    regularPrice: euro().meta({
      description: 'The price of the standard ticket type: what the tariffs discount.',
    }),
    standardTicketType: ticketType,
    uitpasTicketTypeId: z.string().meta({
      description:
        'The shared "UiTPAS kansentarief" ticket type the basket line switches to when a tariff is chosen.',
    }),
    tariffs: z
      .array(
        z.object({
          id: z.string().meta({ description: 'Send it as `tariffId` when registering the sale.' }),
          name: z.string().nullable(),
          price: euro().meta({ description: 'What the passholder pays, EUR.' }),
          type: z
            .string()
            .nullable()
            .meta({
              description: 'As UiTPAS says it: `SOCIALTARIFF` or `COUPON` (UiTPAS may add values).',
              examples: ['SOCIALTARIFF', 'COUPON'],
            }),
          remaining: z.number().int().min(1).meta({
            description:
              'How many tickets this pass may still buy at this tariff: 1 for a person, more for a group pass.',
          }),
        }),
      )
      .meta({
        description:
          'The tariffs this passholder may buy now; empty when none (see `endUserMessage` for why).',
      }),
    endUserMessage: endUserMessage.nullable().meta({
      description:
        'UiTPAS’s explanation, also on success (e.g. why no social tariff is offered): show it to the buyer.',
    }),
  })
  .meta({
    id: 'TariffsResponse',
    description: 'The tariffs UiTPAS offers this passholder for the event’s standard ticket type.',
  });

// --- GET /v1/events/{eventId}/uitpas-prices ----------------------------------------------------------------------

export const uitpasPricesResponse = z
  .object({
    eventId: z.string().meta({ description: 'The ticketing system’s event id, as asked.' }),
    uitdatabankId: z.string().meta({ description: 'The UiTdatabank event UiTPAS was asked about.' }),
    regularPrice: euro().meta({
      description: 'The price of the standard ticket type: what the indicative tariffs discount.',
    }),
    standardTicketType: ticketType,
    tariffs: z
      .array(
        z.object({
          id: z.string().meta({
            description:
              'UiTPAS’s id of the static tariff. Not for registering a sale: a passholder’s tariff ids come from POST /v1/tariffs.',
          }),
          name: z.string().nullable(),
          price: euro().meta({ description: 'What a passholder with the social tariff would pay, EUR.' }),
          type: z
            .string()
            .nullable()
            .meta({
              description: 'As UiTPAS says it: `SOCIALTARIFF` (UiTPAS may add values).',
              examples: ['SOCIALTARIFF'],
            }),
        }),
      )
      .meta({
        description:
          'What UiTPAS would offer a social-tariff holder living in the organizer’s region, at the standard price; empty when none (see `endUserMessage`).',
      }),
    lowestPrice: euro().nullable().meta({
      description:
        'The lowest of the tariffs’ prices, for "kansentarief from €2"; null when UiTPAS offers none at this price.',
    }),
    endUserMessage: endUserMessage.nullable().meta({
      description:
        'UiTPAS’s explanation, when it gave one (e.g. why there is no tariff): show it to the buyer.',
    }),
    hint: z
      .object({
        text: z.string().meta({
          description:
            'The event’s own hint as the ticketing system stored it, or else the default in Dutch.',
        }),
        source: z.enum(['event', 'default']).meta({
          description:
            '`event`: the mapping’s `hint`; `default`: this service’s text of the manual’s online step.',
        }),
        translations: z.object({ nl: z.string(), en: z.string() }).nullable().meta({
          description:
            'The default in Dutch and English; null with the event’s own hint (its language is not known).',
        }),
      })
      .meta({
        description:
          'What to tell the buyer before the UiTPAS number: choose the base-price ticket first, then enter the number.',
      }),
  })
  .meta({
    id: 'UitpasPricesResponse',
    description:
      'The indicative UiTPAS price of the event’s standard ticket, without a pass number (UiTPAS GET /tariffs/static), and the hint for the buyer. Indicative only: what a passholder pays comes from POST /v1/tariffs once the number is known.',
  });

// --- /v1/ticket-sales --------------------------------------------------------------------------------------------

const orderStatus = z.enum(ORDER_STATUSES);

const orderLine = z.object({
  lineId: z.string(),
  eventId: z.string(),
  status: orderStatus.meta({
    description:
      'REGISTERING, UNKNOWN (outcome not known yet), REFUSED, HELD (registered, awaiting confirm), CONFIRMED, CANCELLING, CANCEL_PENDING (retried), CANCELLED.',
  }),
  uitpasNumber: z.string().meta({
    description: 'Masked (`0900******513`): enough for support, never the number itself.',
    examples: ['0900******513'],
  }),
  tariff: z.object({
    id: z.string(),
    name: z.string().nullable().meta({ description: 'From UiTPAS’s answer; null until registered.' }),
    price: z.number().nullable().meta({ description: 'From UiTPAS’s answer, EUR; null until registered.' }),
  }),
  regularPrice: euro(),
  regularPriceLabel: z.string().optional(),
  quantity: z.number().int().min(1),
  chargedPrice: euro().optional().meta({
    description: 'What the till charged per ticket, EUR, as the request gave it (the price-drift guard).',
  }),
  registeredPrice: z.number().nullable().meta({
    description:
      'The price UiTPAS registered the sales at, EUR (from its answer); null until registered, or when UiTPAS gave none. Kept once cancelled.',
  }),
  priceDrift: z
    .object({
      charged: euro().meta({ description: 'What the till charged, EUR.' }),
      registered: z.number().nullable().meta({
        description: 'What UiTPAS registered, EUR; null when its answer gave no price.',
      }),
    })
    .optional()
    .meta({
      description:
        'UiTPAS registered another price than `chargedPrice`. With the default configuration the registration is then refused (422 `price-drift`) and the order cancelled; configured to flag, the order is registered with this on the line.',
    }),
  ticketSaleIds: z.array(z.string()).meta({ description: 'The UiTPAS ticket sales of this line.' }),
  cancelledTicketSaleIds: z.array(z.string()).meta({ description: 'Those of them cancelled at UiTPAS.' }),
});

export const orderResponse = z
  .object({
    orderId: z.string().meta({ description: 'The ticketing system’s order id, as sent.' }),
    status: orderStatus.meta({
      description:
        'The order as a whole: HELD until confirmed (POST …/confirm) or `heldUntil` passes; CONFIRMED once paid; CANCELLING, CANCEL_PENDING (UiTPAS is retried) or CANCELLED after a DELETE or expiry; REGISTERING, UNKNOWN or REFUSED while or after a registration did not go through.',
    }),
    heldUntil: timestamp().nullable().meta({
      description:
        'Confirm before this time, or the sweep cancels the sales. Null until registered; kept once confirmed or cancelled.',
    }),
    confirmedAt: timestamp().nullable(),
    createdAt: timestamp(),
    updatedAt: timestamp(),
    lines: z.array(orderLine),
    reconciliation: z
      .object({
        at: timestamp(),
        outcome: z.enum(['found', 'none', 'unknown']).meta({
          description: 'found: the sales were registered; none: nothing was; unknown: not decided yet.',
        }),
        reason: z
          .enum([
            'may-still-apply',
            'uitpas-unreachable',
            'listing-unstable',
            'partial-match',
            'ambiguous-match',
            'claimed-meanwhile',
            'unexpected-answer',
          ])
          .optional()
          .meta({ description: 'Why the outcome stays unknown.' }),
        since: timestamp(),
        until: timestamp().optional(),
        found: z
          .record(z.string(), z.array(z.string()))
          .meta({ description: 'Ticket-sale ids found, per line id.' }),
      })
      .optional()
      .meta({
        description:
          'Present once UiTPAS’s sales had to be searched because a registration’s answer was lost: what the last search found.',
      }),
    cancelRequested: z
      .object({
        at: timestamp(),
        lineIds: z.array(z.string()).nullable().meta({ description: 'Null: every line.' }),
      })
      .optional()
      .meta({
        description:
          'A cancellation asked while the registration was running or its outcome unknown: done as soon as the outcome is known.',
      }),
    orphanedSales: z
      .array(z.object({ ticketSaleId: z.string(), lineId: z.string(), cancelled: z.boolean() }))
      .optional()
      .meta({
        description:
          'UiTPAS sales registered for this order that no line holds (an answer that came too late): we cancel them.',
      }),
    priceDriftRefusedAt: timestamp().optional().meta({
      description:
        'The registration was refused at this time because UiTPAS registered a line at another price than `chargedPrice` (see the lines’ `priceDrift`): every sale of the order is cancelled.',
    }),
    uitpasTicketTypeId: z.string().optional().meta({
      description: 'The shared "UiTPAS kansentarief" ticket type the registered lines are sold as.',
    }),
  })
  .meta({
    id: 'OrderResponse',
    description: 'A ticket-sale order at UiTPAS: its status, its lines and their UiTPAS ticket sales.',
  });

// --- mappings (admin) --------------------------------------------------------------------------------------------

export const eventMapping = z
  .object({
    eventId: z.string(),
    organisationId: z.string(),
    promotorId: z.string().optional(),
    name: z.string(),
    startDate: eventDateTime(),
    endDate: eventDateTime().optional(),
    labels: z.array(z.string()).meta({
      description: '`UiTPAS` makes it an UiTPAS event; `uitDB` has the sync create it in UiTdatabank.',
    }),
    placeId: z.string().optional().meta({ description: 'UiTdatabank place id of the venue.' }),
    eventTypeId: z
      .string()
      .optional()
      .meta({ description: 'UiTdatabank event type term id, e.g. `0.50.4.0.0`.' }),
    ticketTypes: z.array(ticketType),
    hint: z.string().optional().meta({ description: 'Shown in the online flow.' }),
    uitdatabankId: z.string().optional().meta({ description: 'The UiTdatabank event it is mapped to.' }),
    uitdatabankIdSource: z.enum(['sync', 'manual']).optional().meta({
      description: 'Set with `uitdatabankId`: `manual` ids are never overwritten by the sync.',
    }),
    organizerCheck: z
      .object({
        status: z.enum(['match', 'unverified']),
        uitdatabankId: z.string(),
        reason: z.enum(['uitdatabank-unreachable', 'organizer-unresolved']).optional(),
        checkedAt: timestamp(),
      })
      .optional()
      .meta({
        description:
          'Manual mappings only: how the UiTdatabank event’s organizer compared with ours at the last save. `unverified` events are refused at the till until a readiness check passes.',
      }),
    ...versioned,
  })
  .meta({ id: 'EventMapping', description: 'A ticketing event and the UiTdatabank event it is mapped to.' });

export const eventMappingPage = z.object({ items: z.array(eventMapping), nextCursor }).meta({
  id: 'EventMappingPage',
  description: 'A page of the external-mapping list: events labelled UiTPAS and/or uitDB, by start date.',
});

export const organisationMapping = z
  .object({
    organisationId: z.string(),
    name: z.string(),
    uitdatabankOrganizerId: z.string().optional().meta({
      description: 'The UiTdatabank organizer of its events, unless a promotor’s takes over.',
    }),
    defaultPlaceId: z.string().optional().meta({
      description: 'UiTdatabank place the sync uses for an event without a place of its own.',
    }),
    ...versioned,
  })
  .meta({
    id: 'OrganisationMapping',
    description: 'A ticketing organisation and its UiTdatabank organizer.',
  });

export const organisationList = z
  .object({ items: z.array(organisationMapping) })
  .meta({ id: 'OrganisationList', description: 'The stored organisations this API key may act for, by id.' });

export const promotorMapping = z
  .object({
    promotorId: z.string(),
    name: z.string(),
    uitdatabankOrganizerId: z.string().optional().meta({
      description: 'When set, the organizer of the events of this promotor, instead of the organisation’s.',
    }),
    organisationId: z
      .string()
      .meta({ description: 'The organisation it belongs to: who may see and change it.' }),
    ...versioned,
  })
  .meta({
    id: 'PromotorMapping',
    description: 'A promotor (e.g. a visiting company) of an organisation, and its UiTdatabank organizer.',
  });

export const promotorList = z.object({ items: z.array(promotorMapping) }).meta({
  id: 'PromotorList',
  description: 'The promotors of the organisations asked for, by organisation and id.',
});

export const auditPage = z
  .object({
    items: z.array(
      z.object({
        entity: z.enum(['event', 'organisation', 'promotor']),
        entityId: z.string(),
        action: z.enum(['create', 'update', 'delete']),
        at: timestamp(),
        version: z.number().int().min(1).meta({
          description: 'The version the change produced; for a delete, the version it removed.',
        }),
        actor: z
          .object({ clientName: z.string(), keyId: z.string() })
          .meta({ description: 'Who made the change: `uitdatabank-sync` for the sync.' }),
        organisationIds: z.array(z.string()).meta({
          description: 'The entity’s organisation before and after the change (one id unless it moved).',
        }),
        changes: z
          .record(z.string(), z.object({ before: z.unknown().optional(), after: z.unknown().optional() }))
          .meta({
            description:
              'Only the fields that changed, by name: absent `before` was added, absent `after` removed.',
          }),
      }),
    ),
    nextCursor,
  })
  .meta({ id: 'AuditPage', description: 'A page of an entity’s audit trail, newest first.' });

// --- readiness (admin) -------------------------------------------------------------------------------------------

const fix = z.object({ nl: z.string(), en: z.string() });

export const eventReadinessResponse = z
  .object({
    eventId: z.string(),
    ready: z.boolean().meta({ description: 'True when no item of severity `error` fails.' }),
    checkedAt: timestamp(),
    items: z
      .array(
        z.object({
          id: z.enum(READINESS_ITEM_IDS),
          ok: z.boolean(),
          severity: z.enum(['error', 'warning']).meta({
            description:
              '`error`: a failure makes the event not ready; `warning`: worth fixing, but it can be sold.',
          }),
          observed: z
            .unknown()
            .meta({ description: 'What was seen: a value, or a sentence when there was nothing to see.' }),
          fix: fix
            .optional()
            .meta({ description: 'What to do, in Dutch and English; present when the item is not ok.' }),
          unavailable: z.literal(true).optional().meta({
            description:
              'The item could not be checked because UiTPAS or UiTdatabank was unreachable: check again.',
          }),
        }),
      )
      .meta({
        description:
          'The checklist, every item in order; an item only depends on items above it. `uitpas-ticket-sales-search` (our client’s TICKETSALES_SEARCH for the organizer, needed to settle a registration whose answer was lost and to reconcile) is always of severity `warning`: it never makes the event not ready.',
      }),
    organizerPermission: z
      .object({
        organizerId: z.string(),
        permitted: z.boolean().meta({
          description:
            'False when our UiTPAS client lacks TARIFFS_READ or TICKETSALES_REGISTER for this organizer.',
        }),
        cardSystems: z
          .object({ covered: z.array(cardSystemRef), uncovered: z.array(cardSystemRef) })
          .optional()
          .meta({
            description:
              'Only when the permission is limited to card systems: which of the event’s enabled card systems it covers.',
          }),
        checkedAt: timestamp(),
      })
      .optional()
      .meta({
        description:
          'The permission of the organizer UiTPAS checks at the till; absent when it could not be established. The till refuses on it.',
      }),
    organizer: z
      .object({ uitdatabankId: z.string(), match: z.enum(['match', 'mismatch', 'unresolved']) })
      .optional()
      .meta({
        description:
          'How the UiTdatabank event’s organizer compares with ours; absent when the event has no UiTdatabank id or UiTdatabank could not be read.',
      }),
  })
  .meta({
    id: 'EventReadinessResponse',
    description: 'Is the event UiTPAS-ready, and if not, what to fix: the checklist answered item by item.',
  });

export const organisationReadinessResponse = z
  .object({
    organisationId: z.string(),
    checkedAt: timestamp(),
    summary: z.object({
      total: z.number().int().min(0),
      ready: z.number().int().min(0),
      notReady: z.number().int().min(0),
    }),
    events: z.array(eventReadinessResponse).meta({ description: 'One report per UiTPAS-labelled event.' }),
  })
  .meta({
    id: 'OrganisationReadinessResponse',
    description: 'The readiness of every UiTPAS-labelled event of an organisation, with a summary.',
  });

// --- the API's own description (GET /v1/openapi.json, GET /v1/docs) ----------------------------------------------

/** The OpenAPI document: described by its own specification, so only its frame is checked here. */
export const openApiDocumentResponse = z
  .looseObject({
    openapi: z.string().meta({ examples: ['3.1.0'] }),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
  })
  .meta({
    id: 'OpenApiDocument',
    description:
      'This API’s OpenAPI 3.1 document (https://spec.openapis.org/oas/v3.1.0), for client generators and validators.',
  });

/** A page, script or style sheet, as text: its content type says which. */
export const textBody = z.string().meta({ description: 'The file, as text.' });

// --- the reimbursement export (lib/domain/ticket-sales/report.ts) ---------------------------------------------------

/** An amount in EUR with exactly 2 decimals, as text: summed in cents, so exact. */
const euroText = () =>
  z
    .string()
    .regex(/^-?[0-9]+\.[0-9]{2}$/)
    .meta({ description: 'EUR with 2 decimals, e.g. `8.00` (summed as integer cents: exact).' });

const reportTotals = z
  .object({
    sales: z.number().int().min(0).meta({ description: 'How many UiTPAS sales (one ticket each).' }),
    regularPrice: euroText(),
    paidPrice: euroText(),
    difference: euroText().meta({
      description: 'regularPrice − paidPrice: what the organiser holds against publiq’s expense report.',
    }),
    unpriced: z.number().int().min(0).meta({
      description:
        'Sales UiTPAS registered without a price: counted in `sales` and `regularPrice`, not in `paidPrice` or `difference`.',
    }),
  })
  .meta({ description: 'The sums of the sales they cover, to the cent.' });

export const ticketSalesReport = z
  .object({
    organisationId: z.string(),
    from: z.iso.date(),
    to: z.iso.date(),
    currency: z.literal('EUR'),
    events: z.array(
      z.object({
        eventId: z.string().meta({ description: "The ticketing system's event id." }),
        uitdatabankId: z.string(),
        organizerId: z.string().nullable().meta({
          description:
            'The event’s UiTdatabank organizer, resolved at report time from its current mapping as the organizer rule does: its promotor’s UiTdatabank organizer id if it has one, else its organisation’s. Null when it cannot be resolved: the event was deleted since, its promotor is unknown, or neither has an organizer id.',
        }),
        sales: z.array(
          z.object({
            registeredAt: timestamp().meta({
              description:
                'When the registration that made the sale started (UiTPAS dated the sale within its attempt).',
            }),
            ticketSaleId: z.string().meta({ description: 'The UiTPAS ticket sale id.' }),
            orderId: z.string().meta({ description: 'Your order id.' }),
            lineId: z.string(),
            status: z.enum(['HELD', 'CONFIRMED']).meta({
              description: 'The line’s status: HELD (registered, not yet confirmed) or CONFIRMED.',
            }),
            tariff: z.object({ id: z.string(), name: z.string().nullable() }),
            regularPrice: euroText(),
            paidPrice: euroText().nullable().meta({
              description: 'The price UiTPAS registered the sale at; null when its answer gave none.',
            }),
            difference: euroText().nullable(),
          }),
        ),
        totals: reportTotals,
      }),
    ),
    totals: reportTotals
      .extend({
        perOrganizer: z
          .array(
            reportTotals.extend({
              organizerId: z.string().nullable().meta({
                description:
                  'The UiTdatabank organizer (`events[].organizerId`); null: the events without one.',
              }),
            }),
          )
          .meta({
            description:
              'Per organizer of this answer’s events: the sum of the `totals` of the events with that `organizerId`, to the cent. Sorted by organizerId, null last.',
          }),
      })
      .meta({
        description:
          'Of the sales in this answer (this page): the sum of `events[].totals`, and per organizer. The whole window’s totals are the sums over every page (or the CSV).',
      }),
    nextCursor: z.string().nullable().meta({
      description:
        'Pass it back as `cursor` (same organisationId, from, to) for the next page; null at the end.',
    }),
  })
  .meta({
    id: 'TicketSalesReport',
    description:
      'The registered, not-cancelled UiTPAS sales of the organisation in the window, per event, oldest first.',
  });

export const ticketSalesReportCsv = z.string().meta({
  description:
    'CSV (RFC 4180, CRLF, UTF-8), columns `record,registered_at,event_id,uitdatabank_id,order_id,line_id,ticket_sale_id,status,tariff_id,tariff_name,regular_price_eur,paid_price_eur,difference_eur,sales,organizer_id`: a `sale` row per sale, grouped per event with an `event-total` row after each, then an `organizer-total` row per organizer (the sum of its events’ totals; `organizer_id` empty for the events whose organizer cannot be resolved), then `organisation-total`, or `part-total` when the window continues in a next part (see `X-Next-Cursor` and `Link`).',
});

// --- reconciliation ---------------------------------------------------------------------------------------------

const reconciledSide = z
  .object({
    tariffId: z.string(),
    price: z.number().nullable().meta({ description: 'EUR; null when none was given.' }),
  })
  .nullable();

export const eventReconciliation = z
  .object({
    organisationId: z.string(),
    eventId: z.string().meta({ description: "The ticketing system's event id." }),
    uitdatabankId: z.string().nullable(),
    from: z.iso.date(),
    to: z.iso.date(),
    checkedAt: timestamp(),
    status: z.enum(['compared', 'cannot-compare', 'unavailable']).meta({
      description:
        '`compared`: both sides were read. `cannot-compare`: UiTPAS refused the search (TICKETSALES_SEARCH missing for the organizer) or the event has no UiTdatabank id; `note` says which. `unavailable`: UiTPAS gave no usable answer; the next run tries again.',
    }),
    note: z.string().nullable(),
    ourSales: z
      .number()
      .int()
      .min(0)
      .meta({ description: 'Sales of ours in the window, whatever their state.' }),
    uitpasSales: z.number().int().min(0).meta({ description: "UiTPAS's sales of the event in the window." }),
    counts: z.object(
      Object.fromEntries(DISCREPANCY_KINDS.map((kind) => [kind, z.number().int().min(0)])) as Record<
        DiscrepancyKind,
        z.ZodNumber
      >,
    ),
    discrepancies: z
      .array(
        z.object({
          kind: z.enum(DISCREPANCY_KINDS).meta({
            description: DISCREPANCY_KINDS.map((kind) => `\`${kind}\`: ${OPERATOR_ACTION[kind]}`).join(' '),
          }),
          ticketSaleId: z.string(),
          orderId: z.string().nullable().meta({ description: 'Your order id; null for `not-ours`.' }),
          lineId: z.string().nullable(),
          action: z.enum(['cancel-at-uitpas', 'investigate']),
          ours: reconciledSide,
          uitpas: reconciledSide,
          cancelled: z.boolean().nullable().meta({
            description: 'For `cancel-at-uitpas`: whether this run cancelled it at UiTPAS; null otherwise.',
          }),
        }),
      )
      .meta({ description: 'Sorted by kind, then ticket-sale id; at most 1000 (see `omitted`).' }),
    omitted: z.number().int().min(0).meta({
      description: 'Discrepancies counted in `counts` but not listed (beyond the first 1000).',
    }),
    cancellingAtUitpas: z.number().int().min(0).meta({
      description:
        "Sales of yours whose cancellation is under way (line CANCELLING or CANCEL_PENDING) that UiTPAS still lists: not a discrepancy, the cancellation's own retries finish them. One that stays here run after run is a stuck cancellation: read the order's `lastCancelError`.",
    }),
  })
  .meta({ id: 'EventReconciliation', description: "One event's last reconciliation with UiTPAS." });

export const reconciliationRun = z
  .object({
    organisationId: z.string(),
    from: z.iso.date(),
    to: z.iso.date(),
    events: z.array(eventReconciliation),
    unreached: z.array(z.string()).meta({
      description:
        'Events with sales in the window that were not compared because the answer had to go out (run them one by one with `eventId`; the daily run covers them too). Usually empty.',
    }),
  })
  .meta({ id: 'ReconciliationRun', description: 'The result of a run, per event with sales in the window.' });

export const reconciliationResults = z
  .object({ organisationId: z.string(), events: z.array(eventReconciliation) })
  .meta({ id: 'ReconciliationResults', description: 'The last stored result per event, by event id.' });

/** The JSON bodies of the API's own routes, by name. */
export const RESPONSE_SCHEMAS = {
  healthResponse,
  passResponse,
  tariffsResponse,
  uitpasPricesResponse,
  orderResponse,
  eventMapping,
  eventMappingPage,
  organisationMapping,
  organisationList,
  promotorMapping,
  promotorList,
  auditPage,
  eventReadinessResponse,
  organisationReadinessResponse,
  ticketSalesReport,
  reconciliationRun,
  reconciliationResults,
} as const;

// --- drift guard -------------------------------------------------------------------------------------------------

/** Compiles only when `T` (what the code returns) is assignable to `U` (what the schema accepts). */
type Assert<T extends U, U> = T;
/** Compiles only when `T` is `never`. */
type Nothing<T extends never> = T;

/**
 * The paths of the fields `T` has and `U` does not, at any depth: assignability alone lets a type carry a field the
 * schema never mentions (the very drift the document must catch). `unknown` in `U` takes anything.
 */
type ExtraKeys<T, U, P extends string = ''> = unknown extends U
  ? never
  : T extends readonly (infer E)[]
    ? U extends readonly (infer F)[]
      ? ExtraKeys<E, F, `${P}[]`>
      : never
    : T extends object
      ?
          | { [K in Exclude<keyof T, keyof U> & string]: `${P}.${K}` }[Exclude<keyof T, keyof U> & string]
          | {
              [K in keyof T & keyof U & string]-?: ExtraKeys<
                NonNullable<T[K]>,
                NonNullable<U[K]>,
                `${P}.${K}`
              >;
            }[keyof T & keyof U & string]
      : never;

/**
 * Both ways: `code.x` is a field the code's type has and the schema lacks (it would be sent undocumented), `schema.x`
 * one the schema describes and the code never sends.
 */
type Drift<T, U> = ExtraKeys<T, U, 'code'> | ExtraKeys<U, T, 'schema'>;

type HealthBody = {
  status: 'ok';
  service: 'uitpas-ticketing';
  version: Parameters<typeof createHealthHandler>[0]['version'];
};
type OrganisationListBody = { items: Awaited<ReturnType<typeof listOrganisations>> };
type PromotorListBody = { items: Awaited<ReturnType<typeof listPromotors>> };
type ReconciliationResultsBody = { organisationId: string; events: EventReconciliation[] };
type In<K extends keyof typeof RESPONSE_SCHEMAS> = z.input<(typeof RESPONSE_SCHEMAS)[K]>;

/** Fails to compile when a type the routes answer with and its schema part ways. */
export type ResponseDriftGuard = [
  [Assert<HealthBody, In<'healthResponse'>>, Nothing<Drift<HealthBody, In<'healthResponse'>>>],
  [Assert<PassView, In<'passResponse'>>, Nothing<Drift<PassView, In<'passResponse'>>>],
  [Assert<TariffAnswer, In<'tariffsResponse'>>, Nothing<Drift<TariffAnswer, In<'tariffsResponse'>>>],
  [
    Assert<UitpasPrices, In<'uitpasPricesResponse'>>,
    Nothing<Drift<UitpasPrices, In<'uitpasPricesResponse'>>>,
  ],
  [Assert<OrderView, In<'orderResponse'>>, Nothing<Drift<OrderView, In<'orderResponse'>>>],
  [Assert<TicketingEvent, In<'eventMapping'>>, Nothing<Drift<TicketingEvent, In<'eventMapping'>>>],
  [
    Assert<Page<TicketingEvent>, In<'eventMappingPage'>>,
    Nothing<Drift<Page<TicketingEvent>, In<'eventMappingPage'>>>,
  ],
  [Assert<Organisation, In<'organisationMapping'>>, Nothing<Drift<Organisation, In<'organisationMapping'>>>],
  [
    Assert<OrganisationListBody, In<'organisationList'>>,
    Nothing<Drift<OrganisationListBody, In<'organisationList'>>>,
  ],
  [Assert<Promotor, In<'promotorMapping'>>, Nothing<Drift<Promotor, In<'promotorMapping'>>>],
  [Assert<PromotorListBody, In<'promotorList'>>, Nothing<Drift<PromotorListBody, In<'promotorList'>>>],
  [Assert<Page<AuditEntry>, In<'auditPage'>>, Nothing<Drift<Page<AuditEntry>, In<'auditPage'>>>],
  [
    Assert<TicketSalesReport, In<'ticketSalesReport'>>,
    Nothing<Drift<TicketSalesReport, In<'ticketSalesReport'>>>,
  ],
  [
    Assert<ReadinessReport, In<'eventReadinessResponse'>>,
    Nothing<Drift<ReadinessReport, In<'eventReadinessResponse'>>>,
  ],
  [
    Assert<OrganisationReadinessReport, In<'organisationReadinessResponse'>>,
    Nothing<Drift<OrganisationReadinessReport, In<'organisationReadinessResponse'>>>,
  ],
  [Assert<RunResult, In<'reconciliationRun'>>, Nothing<Drift<RunResult, In<'reconciliationRun'>>>],
  [
    Assert<ReconciliationResultsBody, In<'reconciliationResults'>>,
    Nothing<Drift<ReconciliationResultsBody, In<'reconciliationResults'>>>,
  ],
];
