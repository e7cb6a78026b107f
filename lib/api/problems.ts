/**
 * Every problem type this API can answer, with what it means for the ticketing system that called, and the schema of
 * the application/problem+json body (lib/adapters/http/problem.ts `problemBody`). lib/api/problems.test.ts scans lib/
 * for the slugs the code can answer and fails when this catalogue misses one or lists one the code no longer has.
 */
import * as z from 'zod';
import { PROBLEM_TYPE_BASE } from '../domain/errors.js';
import { endUserMessage } from './responses.js';

export interface ProblemInfo {
  /** The HTTP status it is answered with; a list when the same type comes with several. */
  readonly status: number | readonly number[];
  /** The `title` the code sends with it (where the code has several, the usual one). */
  readonly title: string;
  /** For a ticketing-system developer: when it happens and what to do about it. */
  readonly explanation: string;
}

/** What every publiq refusal we pass on says besides: branch on our `type`, never on `upstreamType`. */
const SHOW_MESSAGE = 'Show the endUserMessage to the buyer and sell at the regular price.';

export const PROBLEMS = {
  // --- the request itself (lib/adapters/http) -------------------------------------------------------------------
  unauthenticated: {
    status: 401,
    title: 'A valid API key is required',
    explanation:
      'The x-api-key header is missing, or the key is unknown or disabled. Send a valid key; ask the operator for one.',
  },
  forbidden: {
    status: 403,
    title: 'This API key may not call this route',
    explanation:
      'The key is valid but its role (basket or admin) may not call this route; `detail` names the role needed. Use a key with that role.',
  },
  'route-not-found': {
    status: 404,
    title: 'No such route',
    explanation:
      'This method and path are not a route of this API. Check the method, the path and its /v1 prefix.',
  },
  'asset-not-found': {
    status: 404,
    title: 'No such file',
    explanation: 'The docs page has no file of this name; the page at /v1/docs names the ones it loads.',
  },
  'invalid-request': {
    status: 400,
    title: 'The request is invalid',
    explanation:
      'The body, query, path or a header (If-Match) does not have the expected shape, or contradicts the path; `invalidParams` lists every field to fix. Fix the request; sending it again unchanged fails again.',
  },
  'invalid-json': {
    status: 400,
    title: 'The body is not valid JSON',
    explanation: 'The body could not be parsed as JSON; `detail` quotes the parser. Fix the JSON syntax.',
  },
  'body-missing': {
    status: 400,
    title: 'A JSON body is required',
    explanation: 'This route takes a JSON body and none was sent. Send the body.',
  },
  'body-not-allowed': {
    status: 400,
    title: 'This route takes no body',
    explanation:
      'A body was sent to a route that reads none (what to act on is in the path and the query). Send the request without a body.',
  },
  'body-too-large': {
    status: 413,
    title: 'Request body too large',
    explanation:
      'The body is larger than this route accepts; `detail` gives the limit in bytes. Send a smaller body.',
  },
  'unsupported-media-type': {
    status: 415,
    title: 'The body must be JSON',
    explanation: 'A body was sent without a JSON Content-Type. Send it with Content-Type: application/json.',
  },
  'invalid-cursor': {
    status: 400,
    title: 'The cursor is not valid for this list',
    explanation:
      'The `cursor` query parameter is not a nextCursor of this list with these filters. Use the nextCursor of the previous page with the same filters, or leave cursor out to start over.',
  },

  // --- passes (lib/domain/pass.ts) ----------------------------------------------------------------------------------
  'invalid-pass-identifier': {
    status: 400,
    title: 'Not an UiTPAS number, INSZ or chip number',
    explanation:
      'The identifier is neither 13 digits (UiTPAS number), 11 digits (INSZ) nor 8 to 20 hexadecimal characters of even count (chip number). Ask the buyer for the number again, or scan the card.',
  },
  'invalid-insz': {
    status: 400,
    title: 'The INSZ number does not check out',
    explanation:
      'The 11 digits read as an INSZ, but its check digits do not match, so UiTPAS was not asked. Check the number on the identity card, or scan the UiTPAS instead.',
  },
  'invalid-uitpas-number': {
    status: 400,
    title: 'Malformed UiTPAS number',
    explanation:
      'The UiTPAS number is not the 13 digits printed on the card (checked here, or refused by UiTPAS as malformed). Re-enter the number from the card.',
  },
  'invalid-insz-number': {
    status: 400,
    title: 'Malformed INSZ number',
    explanation:
      'UiTPAS refused the INSZ (national register number) as malformed. Re-enter its 11 digits from the eID, or scan the UiTPAS instead.',
  },
  'pass-not-found': {
    status: 404,
    title: 'Unknown UiTPAS',
    explanation:
      'UiTPAS has no pass or passholder with this number. Check the number with the buyer, or sell at the regular price.',
  },
  'pass-not-usable': {
    status: 422,
    title: 'This UiTPAS cannot be used',
    explanation: `The card is not active (see cardStatus) or blocked, the passholder is blocked, or has no active UiTPAS membership; \`detail\` says which and what the buyer can do at the UiTPAS desk. ${SHOW_MESSAGE}`,
  },
  'social-tariff-expired': {
    status: 422,
    title: 'The social tariff has expired',
    explanation: `The buyer is no longer entitled to the social tariff; they can renew it at the UiTPAS desk. When the pass lookup found it, the \`pass\` member still holds the pass. ${SHOW_MESSAGE}`,
  },
  'social-tariff-suspended': {
    status: 422,
    title: 'The social tariff is suspended',
    explanation: `UiTPAS does not let the buyer use the social tariff for now. ${SHOW_MESSAGE}`,
  },
  'maximum-reached': {
    status: 422,
    title: 'The UiTPAS limit for this event is reached',
    explanation: `This pass may not buy more discounted tickets for this event now. ${SHOW_MESSAGE}`,
  },

  // --- tariffs at the till (lib/domain/tariffs.ts) ------------------------------------------------------------------
  'event-not-found': {
    status: 404,
    title: 'Unknown event',
    explanation:
      'No event with this id is mapped among the organisations this API key may act for (missing and not yours are answered alike). An administrator maps it with PUT /v1/events/{eventId}.',
  },
  'event-not-uitpas': {
    status: 422,
    title: 'The event is not an UiTPAS event',
    explanation:
      'The event does not carry the UiTPAS label, so no UiTPAS tariff is asked for it. Add the label in the ticketing system if the social tariff applies; sell at the regular price meanwhile.',
  },
  'event-not-mapped': {
    status: 422,
    title: 'The event has no UiTdatabank id',
    explanation:
      'The event is not linked to an UiTdatabank event, which UiTPAS needs. Label it uitDB so the sync creates it, or set its UiTdatabank id by hand (PUT /v1/events/{eventId}).',
  },
  'standard-ticket-type-missing': {
    status: 422,
    title: 'The event has no standard ticket type',
    explanation:
      'None of the event’s ticket types is marked standard, so there is no base price for the discount. Mark exactly one ticket type, with the base price, as standard.',
  },
  'standard-ticket-type-ambiguous': {
    status: 422,
    title: 'The event has several standard ticket types',
    explanation:
      'More than one ticket type of the event is marked standard (`standardTicketTypes` lists them). Mark exactly one as standard.',
  },
  'standard-price-missing': {
    status: 422,
    title: 'The standard ticket type has no price',
    explanation:
      'The standard ticket type costs 0 EUR; UiTPAS discounts need a base price above 0. Give the standard ticket type its price.',
  },
  'regular-price-mismatch': {
    status: 422,
    title: 'The price is not the standard ticket price',
    explanation:
      'The regularPrice sent is not the price of the event’s standard ticket type (`standardPrice`), to which UiTPAS tariffs apply. Let the buyer pick the standard ticket first, or send its price.',
  },
  'organizer-mismatch': {
    status: 422,
    title: 'The UiTdatabank event belongs to another organizer',
    explanation:
      'The event is mapped to an UiTdatabank event of another organizer than that of its organisation or promotor. Saving a mapping, `invalidParams` and `expectedOrganizerId` say what to correct; at the till no UiTPAS sale is possible until an administrator corrects it, so show the endUserMessage and sell at the regular price.',
  },
  'organizer-unverified': {
    status: 422,
    title: 'The organizer of the event has not been verified',
    explanation:
      'The organizer of the mapped UiTdatabank event could not be compared with the event’s own (no organizer id to compare with, or UiTdatabank was unreachable when the mapping was saved), so UiTPAS sales are refused until a check passes. GET /v1/events/{eventId}/readiness checks now; show the endUserMessage and sell at the regular price meanwhile.',
  },
  'organizer-not-permitted': {
    status: 422,
    title: 'No UiTPAS permission for this organizer',
    explanation:
      'Our UiTPAS client has no permission (TARIFFS_READ, TICKETSALES_REGISTER, TICKETSALES_SEARCH or ORGANIZERS_SEARCH, as `detail` says) for the event’s organizer, as the last readiness check or UiTPAS itself found. Show the endUserMessage if any and sell at the regular price; the servicedesk must add the organisation to the UiTPAS integration.',
  },
  'card-systems-not-permitted': {
    status: 422,
    title: 'Our UiTPAS permission does not cover the card systems of this event',
    explanation:
      'Our UiTPAS permission for the organizer is limited to card systems the event does not use (`uncoveredCardSystems`), so UiTPAS would refuse every pass. Show the endUserMessage and sell at the regular price; an administrator asks publiq to extend the permission.',
  },
  'social-tariff-not-available': {
    status: 422,
    title: 'This event has no social tariff',
    explanation: `UiTPAS offers no social tariff for this event at this price. ${SHOW_MESSAGE} GET /v1/events/{eventId}/readiness says whether the event is set up for UiTPAS.`,
  },
  'event-unknown-to-uitpas': {
    status: 422,
    title: 'UiTPAS does not know this event',
    explanation:
      'UiTPAS does not know the event’s UiTdatabank id. Check the id and that the event is published in UiTdatabank with an UiTPAS organizer; right after it was created, UiTPAS can take a few seconds to learn it, so try again then.',
  },
  'event-not-acceptable': {
    status: 422,
    title: 'UiTPAS does not accept this event here',
    explanation:
      'UiTPAS knows the event but will not use it for this (for example it has ended, or none of its card systems is enabled). GET /v1/events/{eventId}/readiness says what is missing; sell at the regular price meanwhile.',
  },
  'organizer-unknown-to-uitpas': {
    status: 422,
    title: 'UiTPAS does not know this organizer',
    explanation:
      'UiTPAS has no organizer with the UiTdatabank organizer id of the organisation or event. Check that id; if it is right, the servicedesk must register the organizer with UiTPAS.',
  },

  // --- ticket sales (lib/domain/ticket-sales) -----------------------------------------------------------------------
  'order-not-found': {
    status: 404,
    title: 'Unknown order',
    explanation:
      'There is no order with this orderId among the organisations this API key may act for. Check the orderId; an order is only known once registered.',
  },
  'line-not-found': {
    status: 404,
    title: 'Unknown order line',
    explanation: 'The order has no line with this lineId (`invalidParams` points at it). Check the lineId.',
  },
  'order-conflict': {
    status: 409,
    title: 'This orderId is already used for another request',
    explanation:
      'The orderId was registered before with a different body; nothing was registered now. Send exactly the same body to get that order’s result, or use a new orderId for a new basket.',
  },
  'registration-in-progress': {
    status: 409,
    title: 'The order is being registered right now',
    explanation:
      'Another request for the same order is registering it at UiTPAS. Send the same request again after Retry-After to get its result.',
  },
  'order-not-held': {
    status: 409,
    title: 'The order cannot be confirmed',
    explanation:
      'The order is not HELD (still registering, refused, cancelled, or its hold ended and its sales were or will be cancelled); `orderStatus` and `detail` say which. Do what `detail` says: send the registration again for its result, or register the basket again under a new orderId.',
  },
  'tariff-not-offered': {
    status: 422,
    title: 'UiTPAS does not offer this tariff here',
    explanation:
      'UiTPAS refused a line’s tariffId: it does not offer that tariff to this passholder for this event. Nothing was registered: ask POST /v1/tariffs which tariffs are offered and send the corrected basket under the same orderId, or sell at the regular price.',
  },
  'quantity-not-available': {
    status: 422,
    title: 'Not that many tickets at this tariff',
    explanation:
      'The basket asks more tickets at a tariff than UiTPAS allows this pass for this event (`requested`, `remaining`); more than one per line is only possible for group passes. Lower the quantity, and show the endUserMessage if any.',
  },
  'price-drift': {
    status: 422,
    title: 'UiTPAS registered another price than the till charged',
    explanation:
      'A line’s `chargedPrice` is not the price UiTPAS registered its sale at (`lineId`, `chargedPrice`, `registeredPrice`; `invalidParams` points at every such line, `priceDrifts` lists them). The registration is refused and every UiTPAS sale of the order is cancelled (retried until UiTPAS takes it), so nothing stays registered; the same request again answers the same problem. Charge the price POST /v1/tariffs gives and register the basket again under a new orderId. Only with the default configuration: an operator may have drifts accepted and flagged on the line instead.',
  },
  'invalid-number-of-tickets': {
    status: 422,
    title: 'Too many tickets for this tariff',
    explanation:
      'UiTPAS refused the number of tickets for a tariff. Lower the quantity to at most the tariff’s `remaining` count, as POST /v1/tariffs gives it.',
  },
  'invalid-coupon': {
    status: 422,
    title: 'The coupon cannot be used',
    explanation:
      'UiTPAS refused the tariff (coupon) that was sent. Ask the tariffs again and pick one that is offered.',
  },
  'ticket-sale-not-found': {
    status: 404,
    title: 'Unknown ticket sale',
    explanation: 'UiTPAS has no ticket sale with this id; it may have been cancelled already.',
  },

  // --- mappings (lib/domain/mappings.ts, lib/use-cases/mapping-admin) -----------------------------------------------
  'organisation-not-found': {
    status: 404,
    title: 'Unknown organisation',
    explanation:
      'There is no organisation with this id among the organisations this API key may act for (missing and not yours are answered alike). Check the id, or create it with PUT /v1/organisations/{organisationId}.',
  },
  'promotor-not-found': {
    status: 404,
    title: 'Unknown promotor',
    explanation:
      'There is no promotor with this id among the organisations this API key may act for (missing and not yours are answered alike). Check the id, or create it with PUT /v1/promotors/{promotorId}.',
  },
  'organisation-not-allowed': {
    status: 403,
    title: 'This API key may not act for this organisation',
    explanation:
      'The request names an organisation (in the body or the organisationId query) this API key may not act for. Use an organisation of the key, leave the filter out, or ask the operator for a key that may.',
  },
  'version-conflict': {
    status: 409,
    title: 'Changed by someone else',
    explanation:
      'The item changed since the version sent in If-Match or `version` (`currentVersion` is the version now), or was removed; nothing was saved. Reload it, apply the change again and retry.',
  },
  'organisation-in-use': {
    status: 409,
    title: 'The organisation is still in use',
    explanation:
      'The organisation cannot be deleted while it still has promotors or events. Delete or move them first.',
  },
  'unknown-organisation': {
    status: 422,
    title: 'Unknown organisation',
    explanation:
      'The body’s organisationId refers to no stored organisation (`invalidParams` points at it). Save the organisation first with PUT /v1/organisations/{organisationId}.',
  },
  'unknown-promotor': {
    status: 422,
    title: 'Unknown promotor',
    explanation:
      'The body’s promotorId refers to no promotor of the organisations this key may act for. Save the promotor first with PUT /v1/promotors/{promotorId}.',
  },
  'uitdatabank-organizer-not-found': {
    status: 422,
    title: 'No such organizer in UiTdatabank',
    explanation:
      'UiTdatabank has no organizer with the uitdatabankOrganizerId sent (or it was deleted). Copy the id from the organizer’s page in UiTdatabank.',
  },
  'uitdatabank-event-not-found': {
    status: 422,
    title: 'No such event in UiTdatabank',
    explanation:
      'UiTdatabank has no event with the uitdatabankId sent (or it was deleted). Copy the id from the event’s page in UiTdatabank.',
  },
  'uitdatabank-event-taken': {
    status: 409,
    title: 'Another organisation maps this UiTdatabank event',
    explanation:
      'Another organisation of this service already maps this UiTdatabank event, and an UiTdatabank event belongs to one organisation only. Check the id: copy it from the page of your own event in UiTdatabank.',
  },
  'uitdatabank-id-from-sync': {
    status: 422,
    title: 'This UiTdatabank id was set by the sync',
    explanation:
      'The uitdatabankId cannot be cleared because the UiTdatabank sync created the event: removing it would make the sync create or map it again. Enter another id to map it by hand, or remove the uitDB label if the event should not be in UiTdatabank.',
  },
  'event-has-uitpas-ticket-sales': {
    status: 409,
    title: 'The event already has UiTPAS ticket sales',
    explanation:
      'UiTPAS or UiTdatabank no longer allows this change (its card systems, distribution keys or organizer) because the event already has UiTPAS ticket sales. Leave the event as it is, or ask publiq.',
  },

  // --- API keys (lib/adapters/dynamodb/api-keys.ts, used by `npm run apikey`, not by the HTTP API) -------------------
  'api-key-exists': {
    status: 409,
    title: 'This API key exists already',
    explanation: 'The API key tool generated a key that is stored already. Run the tool again.',
  },
  'client-name-taken': {
    status: 409,
    title: 'A client has this name already',
    explanation:
      'The API key tool was asked for a new client with the name of an existing one, whose orders its keys would see. Choose another name, or pass --rotate for another key of the same client.',
  },

  // --- publiq could not be used (lib/domain/upstream-errors.ts) -----------------------------------------------------
  'uitpas-unavailable': {
    status: 503,
    title: 'UiTPAS is temporarily unavailable',
    explanation:
      'UiTPAS (or the publiq login it needs) did not answer in time, answered with an error, or is limiting our calls. Try again after Retry-After, or show the endUserMessage and sell at the regular price; for a registration, `outcome` says what is known, and the same request again never registers twice.',
  },
  'uitdatabank-unavailable': {
    status: 503,
    title: 'UiTdatabank is temporarily unavailable',
    explanation:
      'UiTdatabank did not answer in time or answered with an error; `detail` says whether the request may have been applied. Try again after Retry-After.',
  },
  'uitpas-refused': {
    status: 422,
    title: 'UiTPAS refused the request',
    explanation: `UiTPAS refused the request on its merits with a problem type this integration has no meaning for yet (\`upstreamType\`); nothing was applied and repeating it is useless. ${SHOW_MESSAGE} Report it to the operator with the correlationId.`,
  },
  'upstream-authentication-failed': {
    status: 502,
    title: 'We could not authenticate with publiq',
    explanation:
      'publiq refused our client credentials, or UiTPAS does not know our client in this environment. The caller cannot fix this: call the operator, who checks UITPAS_CLIENT_ID, its secret and PUBLIQ_ENV.',
  },
  'upstream-access-refused': {
    status: 502,
    title: 'publiq refused our client access',
    explanation:
      'publiq refused our client for this call or resource (`upstreamEndpoint`). The caller cannot fix this: call the operator, who asks publiq to give our client access.',
  },
  'uitpas-permission-missing': {
    status: 502,
    title: 'Our UiTPAS client lacks a permission',
    explanation:
      'UiTPAS refused a call that concerns no organizer (such as a pass lookup) because our client lacks a permission; adding an organisation does not help. Show the endUserMessage if any and sell at the regular price; the operator must ask publiq to grant the permission.',
  },
  'upstream-request-invalid': {
    status: 502,
    title: 'We sent publiq a malformed request',
    explanation:
      'publiq refused a request this integration built as malformed (`upstreamEndpoint`, `schemaErrors`), or has no such endpoint (check the base URL settings); nothing was applied. The caller cannot fix this: report it to the operator, with the correlationId, as a bug.',
  },
  'upstream-refused': {
    status: 502,
    title: 'A publiq API refused our request',
    explanation:
      'A publiq API answered with a problem type this integration has no meaning for (`upstreamType`); the request was not applied. The caller cannot fix this: report it to the operator with the correlationId.',
  },

  // --- anything unexpected (lib/adapters/http/problem.ts) -----------------------------------------------------------
  'about:blank': {
    status: 500,
    title: 'Internal Server Error',
    explanation:
      'Something failed that this API did not expect; its cause is in our logs, not in the answer. Try again; if it keeps failing, contact the operator with the correlationId.',
  },
} as const satisfies Record<string, ProblemInfo>;

export type ProblemSlug = keyof typeof PROBLEMS;

/** The `type` of a problem answer: ours under PROBLEM_TYPE_BASE, `about:blank` as it is. */
export function problemTypeUri(slug: ProblemSlug): string {
  return slug === 'about:blank' ? slug : `${PROBLEM_TYPE_BASE}${slug}`;
}

/**
 * The slugs a call to UiTPAS (with the token it needs) or to UiTdatabank can add to an operation's answers, as
 * lib/domain/upstream-errors.ts maps publiq's problems and unavailability. UiTdatabank Entry shares the UiTPAS token,
 * so its calls can answer `uitpas-unavailable` when the token cannot be had.
 */
export const UPSTREAM_PROBLEMS = {
  uitpas: [
    'pass-not-found',
    'invalid-uitpas-number',
    'invalid-insz-number',
    'pass-not-usable',
    'social-tariff-expired',
    'social-tariff-suspended',
    'social-tariff-not-available',
    'maximum-reached',
    'invalid-number-of-tickets',
    'invalid-coupon',
    'event-unknown-to-uitpas',
    'event-not-acceptable',
    'organizer-unknown-to-uitpas',
    'organizer-not-permitted',
    'ticket-sale-not-found',
    'event-has-uitpas-ticket-sales',
    'uitpas-refused',
    'uitpas-permission-missing',
    'upstream-authentication-failed',
    'upstream-access-refused',
    'upstream-request-invalid',
    'upstream-refused',
    'uitpas-unavailable',
  ],
  uitdatabank: [
    'event-has-uitpas-ticket-sales',
    'upstream-authentication-failed',
    'upstream-access-refused',
    'upstream-request-invalid',
    'upstream-refused',
    'uitdatabank-unavailable',
    'uitpas-unavailable',
  ],
} as const satisfies Record<string, readonly ProblemSlug[]>;

const invalidParamSchema = z.object({
  pointer: z.string().meta({
    description:
      'Where: a JSON pointer into the body (`/lines/0/tariffId`), or `query.<name>`, `path.<name>`, `header.<name>`.',
  }),
  detail: z.string().meta({ description: 'What is wrong there.' }),
});

const cardSystemSchema = z.object({ id: z.number().int(), name: z.string().nullable() });

/** The problem+json body as problemBody writes it: RFC 7807's members, ours, and whatever extension the type adds. */
export const problemSchema = z
  .object({
    type: z.string().meta({ description: 'What went wrong: branch on this, never on `title`.' }),
    title: z.string().meta({ description: 'A short English summary of the type; it may change.' }),
    status: z.number().int().min(400).max(599).meta({ description: 'The HTTP status of this answer.' }),
    detail: z
      .string()
      .optional()
      .meta({ description: 'This occurrence, in English: what was refused and what to do about it.' }),
    instance: z.string().optional().meta({ description: 'A URI of this occurrence (RFC 7807).' }),
    endUserMessage: endUserMessage.optional().meta({
      description:
        'A message for the buyer or cashier, from publiq or from us: show it as it is. Dutch is always present, other languages sometimes.',
    }),
    correlationId: z
      .string()
      .optional()
      .meta({ description: 'The id of this request in our logs; quote it when you report a problem.' }),
    invalidParams: z
      .array(invalidParamSchema)
      .optional()
      .meta({ description: 'Every field to fix, for a refusal of the request’s own content.' }),
    lineId: z.string().optional().meta({ description: 'The basket line the problem is about.' }),
    orderId: z
      .string()
      .optional()
      .meta({ description: 'The order whose registration UiTPAS did not answer.' }),
    outcome: z.enum(['not-sent', 'not-registered', 'unknown']).optional().meta({
      description:
        'After a registration UiTPAS did not answer: `not-sent` and `not-registered`, nothing was registered; `unknown`, not known yet. In every case the same request again is safe: it checks first and never registers twice.',
    }),
    orderStatus: z
      .string()
      .optional()
      .meta({ description: 'The status of an order that cannot be confirmed.' }),
    requested: z
      .number()
      .int()
      .optional()
      .meta({ description: 'How many tickets the basket asked at the tariff.' }),
    remaining: z
      .number()
      .int()
      .optional()
      .meta({ description: 'How many more UiTPAS allows at the tariff.' }),
    chargedPrice: z
      .number()
      .optional()
      .meta({ description: 'What the till charged for the line (`lineId`), EUR, at a price drift.' }),
    registeredPrice: z.number().nullable().optional().meta({
      description:
        'What UiTPAS registered the line’s sale at, EUR, at a price drift; null when it gave no price.',
    }),
    priceDrifts: z
      .array(z.object({ lineId: z.string(), charged: z.number(), registered: z.number().nullable() }))
      .optional()
      .meta({ description: 'Every line whose registered price is not what the till charged.' }),
    currentVersion: z.number().int().optional().meta({ description: 'The version the item is at now.' }),
    standardTicketTypes: z
      .array(z.string())
      .optional()
      .meta({ description: 'The ids of the ticket types marked standard.' }),
    standardPrice: z
      .number()
      .optional()
      .meta({ description: 'The price of the standard ticket type, in EUR.' }),
    uncoveredCardSystems: z
      .array(cardSystemSchema)
      .optional()
      .meta({ description: 'The event’s card systems our UiTPAS permission does not cover.' }),
    uitdatabankOrganizerId: z
      .string()
      .nullable()
      .optional()
      .meta({ description: 'The organizer UiTdatabank gives the event (null: none).' }),
    expectedOrganizerId: z.string().optional().meta({ description: 'The organizer the event should have.' }),
    expectedFrom: z
      .enum(['promotor', 'organisation'])
      .optional()
      .meta({ description: 'Whose UiTdatabank organizer id `expectedOrganizerId` is.' }),
    pass: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: 'The pass, as the pass lookup answers it, when its social tariff has expired.' }),
    upstreamType: z
      .string()
      .optional()
      .meta({ description: 'The problem type publiq answered, for the operator: branch on `type` instead.' }),
    upstreamEndpoint: z
      .string()
      .optional()
      .meta({ description: 'The publiq call that was refused (method and path), for the operator.' }),
    schemaErrors: z
      .array(z.object({ jsonPointer: z.string(), error: z.string() }))
      .optional()
      .meta({ description: 'What publiq found wrong in the request we sent, for the operator.' }),
    cardStatus: z
      .string()
      .optional()
      .meta({ description: 'The status UiTPAS gives the card that is not active.' }),
    passType: z
      .enum(['INDIVIDUAL', 'GROUP'])
      .optional()
      .meta({ description: 'The kind of pass, as UiTPAS says.' }),
    groupPass: z.boolean().optional().meta({ description: 'Whether UiTPAS says the pass is a group pass.' }),
  })
  .catchall(z.unknown())
  .meta({
    id: 'Problem',
    description:
      'An error answer (RFC 7807, application/problem+json). Branch on `type`; show `endUserMessage`, when there is one, to the buyer or cashier. Members besides those listed may be added.',
  });
