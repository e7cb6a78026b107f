/**
 * What a publiq problem means for our caller. UiTPAS answers some of these with 400 and some with 404 depending on
 * the endpoint (see the brief's open questions), so the mapping goes by `type`, never by status; `auth/forbidden`
 * also goes by the endpoint that answered, as what is missing differs per call. A type without a meaning of its own
 * gets the one of its family (`auth/`, `body/` and `url/`, `uitpas/`, anything else): see `familyMeaning`.
 */
import {
  AppError,
  type EndUserMessage,
  type SchemaError,
  type UpstreamProblem,
  type UpstreamUnavailable,
} from './errors.js';

interface Meaning {
  slug: string;
  status: number;
  title: string;
  fix: string;
  /** Shown to the cashier when publiq sent no `endUserMessage` of its own. */
  endUserMessage?: EndUserMessage;
  headers?: Record<string, string>;
  /**
   * The operator must act (our request was malformed, our client lacks access): the answer then names the call and
   * carries publiq's `schemaErrors`, which are for debugging and mean nothing to a cashier.
   */
  forOperator?: boolean;
}

/** Said by every family answer, so a type that reaches it is recognised as one still to be given a meaning. */
export const UNMAPPED_TYPE_NOTE =
  'This integration has no specific meaning for this problem type yet: report it to the operator with the correlationId.';

const NOTHING_APPLIED_BUG =
  'Nothing was applied, and the caller cannot fix it: the operator should report it as a bug in this integration, with the correlationId.';

const PASS_UNUSABLE: Omit<Meaning, 'fix'> = {
  slug: 'pass-not-usable',
  status: 422,
  title: 'This UiTPAS cannot be used',
};

export const MEANINGS: Record<string, Meaning> = {
  'uitpas/pass-not-found': {
    slug: 'pass-not-found',
    status: 404,
    title: 'Unknown UiTPAS',
    fix: 'No pass has this number. Check the number with the buyer, or sell at the regular price.',
  },
  'uitpas/passholder-not-found': {
    slug: 'pass-not-found',
    status: 404,
    title: 'Unknown UiTPAS',
    fix: 'No passholder has this number. Check the number with the buyer, or sell at the regular price.',
  },
  'uitpas/invalid-uitpas-number': {
    slug: 'invalid-uitpas-number',
    status: 400,
    title: 'Malformed UiTPAS number',
    fix: 'UiTPAS refused the number as malformed. Re-enter the 13-digit number on the card.',
  },
  'uitpas/invalid-card-status': {
    ...PASS_UNUSABLE,
    fix: 'The card is not active (see cardStatus). The buyer can ask the UiTPAS desk for a new card.',
  },
  'uitpas/card-blocked': {
    ...PASS_UNUSABLE,
    fix: 'The card is blocked. The buyer can ask the UiTPAS desk for a new card.',
  },
  'uitpas/passholder-blocked': {
    ...PASS_UNUSABLE,
    fix: 'The passholder is blocked at UiTPAS. Sell at the regular price.',
  },
  'uitpas/invalid-card': {
    ...PASS_UNUSABLE,
    fix: 'This card cannot be used for this sale. Sell at the regular price.',
  },
  'uitpas/passholder-no-active-cardsystems': {
    ...PASS_UNUSABLE,
    fix: 'The passholder has no active UiTPAS membership. The buyer can renew it at the UiTPAS desk.',
  },
  'uitpas/social-tariff-expired': {
    slug: 'social-tariff-expired',
    status: 422,
    title: 'The social tariff has expired',
    fix: 'The buyer is no longer entitled to the social tariff; they can renew it at the UiTPAS desk.',
  },
  'uitpas/social-tariff-discount-expired': {
    slug: 'social-tariff-expired',
    status: 422,
    title: 'The social tariff has expired',
    fix: 'The buyer is no longer entitled to the social tariff; they can renew it at the UiTPAS desk.',
  },
  'uitpas/social-tariff-suspended': {
    slug: 'social-tariff-suspended',
    status: 422,
    title: 'The social tariff is suspended',
    fix: 'The buyer cannot use the social tariff for now. Sell at the regular price.',
  },
  'uitpas/maximum-reached': {
    slug: 'maximum-reached',
    status: 422,
    title: 'The UiTPAS limit for this event is reached',
    fix: 'This pass cannot buy more discounted tickets for this event now. Sell at the regular price.',
  },
  'uitpas/invalid-number-of-tickets': {
    slug: 'invalid-number-of-tickets',
    status: 422,
    title: 'Too many tickets for this tariff',
    fix: 'Lower the quantity to at most the tariff’s remaining count.',
  },
  'uitpas/invalid-coupon': {
    slug: 'invalid-coupon',
    status: 422,
    title: 'The coupon cannot be used',
    fix: 'Ask the tariffs again and pick one that is offered.',
  },
  'uitpas/event-not-found': {
    slug: 'event-unknown-to-uitpas',
    status: 422,
    title: 'UiTPAS does not know this event',
    fix: 'Check the event’s UiTdatabank id and that the event is published in UiTdatabank with an UiTPAS organizer; right after creation UiTPAS can take a few seconds to learn it.',
  },
  'uitpas/ticket-sale-not-found': {
    slug: 'ticket-sale-not-found',
    status: 404,
    title: 'Unknown ticket sale',
    fix: 'UiTPAS has no ticket sale with this id; it may have been cancelled already.',
  },
  'uitpas/invalid-insz-number': {
    slug: 'invalid-insz-number',
    status: 400,
    title: 'Malformed INSZ number',
    fix: 'UiTPAS refused the INSZ (national register number) as malformed. Re-enter its 11 digits from the eID, or scan the UiTPAS instead.',
  },
  'uitpas/social-tariff-not-available': {
    slug: 'social-tariff-not-available',
    status: 422,
    title: 'This event has no social tariff',
    fix: 'UiTPAS offers no social tariff for this event at this price, so there is no UiTPAS price to show. Sell at the regular price; GET /v1/events/{eventId}/readiness says whether the event is set up for UiTPAS.',
  },
  'uitpas/organizer-not-found': {
    slug: 'organizer-unknown-to-uitpas',
    status: 422,
    title: 'UiTPAS does not know this organizer',
    fix: 'UiTPAS has no organizer with this id. Check the UiTdatabank organizer id of the organisation or event; if it is right, the servicedesk must register the organizer with UiTPAS.',
  },
  'uitpas/event-not-acceptable': {
    slug: 'event-not-acceptable',
    status: 422,
    title: 'UiTPAS does not accept this event here',
    fix: 'UiTPAS knows the event but will not use it for this (for example it has ended, or none of its card systems is enabled). GET /v1/events/{eventId}/readiness says what is missing; sell at the regular price meanwhile.',
  },
  // On publiq's side this is a 429 before any work, which the HTTP layer already answers as `uitpas-unavailable`
  // after its retries; the same type in another status means the same, so the caller gets the same answer.
  'uitpas/rate-limited': {
    slug: 'uitpas-unavailable',
    status: 503,
    title: 'UiTPAS is temporarily unavailable',
    fix: 'UiTPAS is limiting how often our client may call it. Nothing was changed; try again after Retry-After, or sell at the regular price.',
    endUserMessage: unavailableMessage('UiTPAS'),
    headers: { 'Retry-After': '10' },
  },
  'uitpas/client-not-found': {
    slug: 'upstream-authentication-failed',
    status: 502,
    title: 'We could not authenticate with publiq',
    fix: 'UiTPAS does not know our client. The operator must check UITPAS_CLIENT_ID, and that it is a client of this PUBLIQ_ENV (test and production clients differ).',
    forOperator: true,
  },
  'auth/unauthorized': {
    slug: 'upstream-authentication-failed',
    status: 502,
    title: 'We could not authenticate with publiq',
    fix: 'Our publiq credentials were refused. The operator must check UITPAS_CLIENT_ID and the client secret.',
    forOperator: true,
  },
  'uitpas/event-already-has-ticketsales': {
    slug: 'event-has-uitpas-ticket-sales',
    status: 409,
    title: 'The event already has UiTPAS ticket sales',
    fix: 'UiTPAS no longer allows changing the card systems or distribution keys of this event because it has UiTPAS ticket sales.',
  },
  'uitdatabank/event-has-uitpas-ticket-sales': {
    slug: 'event-has-uitpas-ticket-sales',
    status: 409,
    title: 'The event already has UiTPAS ticket sales',
    fix: 'UiTdatabank no longer allows changing the organizer of this event because it has UiTPAS ticket sales.',
  },
};

/** Types whose meaning names the call that was refused. */
export const CALL_MEANINGS: Record<string, (problem: UpstreamProblem) => Meaning> = {
  'auth/forbidden': forbidden,
  'body/missing': (problem) =>
    requestInvalid(`We called ${callName(problem)} without the body publiq requires. ${NOTHING_APPLIED_BUG}`),
  'body/invalid-syntax': (problem) =>
    requestInvalid(`We sent ${callName(problem)} a body publiq could not parse. ${NOTHING_APPLIED_BUG}`),
  'body/invalid-data': (problem) =>
    requestInvalid(
      `We sent ${callName(problem)} a body with missing or invalid properties (schemaErrors says which). ${NOTHING_APPLIED_BUG}`,
    ),
  'url/query-limit-exceeded': (problem) =>
    requestInvalid(
      `We asked ${callName(problem)} for more than the 500 items a page may have. ${NOTHING_APPLIED_BUG}`,
    ),
  'url/not-found': (problem) =>
    requestInvalid(
      `publiq has no endpoint ${callName(problem)}, or refused an id or a query parameter in it. The operator must check ${BASE_URL_SETTINGS[problem.service]} and PUBLIQ_ENV; if they are right, this is a bug in this integration to report with the correlationId. Nothing was applied.`,
    ),
  // Only `GET /organizers` takes these ids, as filters that we choose: an unknown one is ours to fix.
  'uitpas/cardsystem-not-found': (problem) =>
    requestInvalid(
      `We filtered ${callName(problem)} on a card system UiTPAS does not know. ${NOTHING_APPLIED_BUG}`,
    ),
  'uitpas/group-not-found': (problem) =>
    requestInvalid(
      `We filtered ${callName(problem)} on a group UiTPAS does not know. ${NOTHING_APPLIED_BUG}`,
    ),
};

function requestInvalid(fix: string): Meaning {
  return {
    slug: 'upstream-request-invalid',
    status: 502,
    title: 'We sent publiq a malformed request',
    fix,
    forOperator: true,
  };
}

/** A UiTPAS call as far as a refused permission is concerned. */
type Operation = 'passes' | 'tariffs' | 'register' | 'cancel' | 'search' | 'organizers' | 'other';

/** By the end of the path: the base URL may add a prefix of its own (the sandbox serves UiTPAS under `/uitpas`). */
const OPERATIONS: ReadonlyArray<readonly [RegExp, Operation]> = [
  [/^GET .*\/passes(?:\/[^/]+)?$/, 'passes'],
  [/^GET .*\/tariffs(?:\/static)?$/, 'tariffs'],
  [/^POST .*\/ticket-sales$/, 'register'],
  [/^DELETE .*\/ticket-sales\/[^/]+$/, 'cancel'],
  [/^GET .*\/ticket-sales$/, 'search'],
  [/^GET .*\/organizers(?:\/[^/]+)?$/, 'organizers'],
];

function operationOf(endpoint: string): Operation {
  return OPERATIONS.find(([pattern]) => pattern.test(endpoint))?.[1] ?? 'other';
}

const REGULAR_PRICE_MESSAGE: EndUserMessage = {
  nl: 'Voor dit evenement kan hier geen UiTPAS-korting gegeven worden. Verkoop het ticket aan het gewone tarief.',
  en: 'UiTPAS discounts cannot be given for this event here. Sell the ticket at the regular price.',
};

/** What the event's organizer must have for each call at the till, and what the cashier is told meanwhile. */
const TILL: Record<
  'tariffs' | 'register' | 'cancel' | 'search',
  { permission: string; message: EndUserMessage }
> = {
  tariffs: { permission: 'TARIFFS_READ', message: REGULAR_PRICE_MESSAGE },
  register: { permission: 'TICKETSALES_REGISTER', message: REGULAR_PRICE_MESSAGE },
  cancel: {
    permission: 'TICKETSALES_REGISTER',
    message: {
      nl: 'Deze UiTPAS-verkoop kan hier niet geannuleerd worden. Vraag de organisator om de UiTPAS-instellingen na te kijken.',
      en: 'This UiTPAS sale cannot be cancelled here. Ask the organiser to check its UiTPAS settings.',
    },
  },
  search: {
    permission: 'TICKETSALES_SEARCH',
    message: {
      nl: 'De UiTPAS-verkopen van dit evenement kunnen hier nu niet nagekeken worden. Vraag de organisator om de UiTPAS-instellingen na te kijken.',
      en: 'The UiTPAS sales of this event cannot be checked here right now. Ask the organiser to check its UiTPAS settings.',
    },
  },
};

const ORGANIZER_NOT_PERMITTED = {
  slug: 'organizer-not-permitted',
  status: 422,
  title: 'No UiTPAS permission for this organizer',
} as const;

const PERMISSION_MISSING = {
  slug: 'uitpas-permission-missing',
  status: 502,
  title: 'Our UiTPAS client lacks a permission',
  forOperator: true,
} as const;

const ACCESS_REFUSED = {
  slug: 'upstream-access-refused',
  status: 502,
  title: 'publiq refused our client access',
  forOperator: true,
} as const;

/** `auth/forbidden`: who lacks what depends on the call. */
function forbidden(problem: UpstreamProblem): Meaning {
  const call = callName(problem);
  if (problem.service !== 'uitpas') {
    return {
      ...ACCESS_REFUSED,
      fix: `${call} refused our client (it is not allowed to act for this resource or its organizer). The operator must ask publiq to give our client access to it.`,
    };
  }
  // A problem built without its endpoint: at UiTPAS an organizer permission is what is missing most of the time.
  if (problem.endpoint === undefined) {
    return {
      ...ORGANIZER_NOT_PERMITTED,
      fix: 'Our UiTPAS client has no permission for this event’s organizer. Ask the servicedesk to add this organisation to the UiTPAS integration.',
    };
  }
  const operation = operationOf(problem.endpoint);
  switch (operation) {
    case 'passes':
      return {
        ...PERMISSION_MISSING,
        fix: `UiTPAS refused ${call}: our UiTPAS client lacks PASSES_READ, or for a chip number PASSES_CHIPNUMBERS_READ, or for an INSZ PASSES_INSZNUMBERS_READ (UiTPAS does not say which). A pass lookup concerns no organizer, so adding an organisation does not help: the operator must ask publiq to grant these permissions to our client (UITPAS_CLIENT_ID). The cashier cannot fix this.`,
        endUserMessage: {
          nl: 'De UiTPAS kan hier nu niet nagekeken worden. Verkoop het ticket aan het gewone tarief.',
          en: 'The UiTPAS cannot be checked here right now. Sell the ticket at the regular price.',
        },
      };
    case 'tariffs':
    case 'register':
    case 'cancel':
    case 'search': {
      const { permission, message } = TILL[operation];
      // publiq gives new integrations every permission of the till but TICKETSALES_SEARCH, which must be asked for.
      const onRequest = operation === 'search' ? ', which publiq grants only on request' : '';
      return {
        ...ORGANIZER_NOT_PERMITTED,
        fix: `UiTPAS refused ${call}: our UiTPAS client lacks ${permission}${onRequest} for this event’s organizer. Ask the servicedesk to add this organisation to the UiTPAS integration with ${permission}.`,
        endUserMessage: message,
      };
    }
    case 'organizers':
      return {
        ...ORGANIZER_NOT_PERMITTED,
        fix: `UiTPAS refused ${call}: our UiTPAS client lacks ORGANIZERS_SEARCH for this organizer. Ask the servicedesk to add this organisation to the UiTPAS integration.`,
      };
    case 'other':
      return {
        ...PERMISSION_MISSING,
        fix: `UiTPAS refused ${call}, a call about no organizer’s sales (GET /permissions and the event card systems need no organizer permission): our UiTPAS client lacks the permission this call needs, or has no access to the UiTPAS API at all. The operator must ask publiq to check our client (UITPAS_CLIENT_ID) and its permissions.`,
      };
  }
}

/** The answer for a type without a meaning of its own, by the family its path puts it in. */
function familyMeaning(problem: UpstreamProblem): Meaning {
  const call = callName(problem);
  const type = problem.shortType;
  // A type outside publiq's prefix (`about:blank`, someone else's URI) is in no family.
  const family = type === problem.type ? '' : type.slice(0, type.indexOf('/') + 1);
  switch (family) {
    case 'auth/':
      return {
        ...ACCESS_REFUSED,
        fix: `publiq refused our client for ${call} (${problem.type}). The operator must check our credentials (UITPAS_CLIENT_ID and its secret) and the client’s permissions with publiq. ${UNMAPPED_TYPE_NOTE}`,
      };
    // publiq's generic types about the request itself: the request we built was wrong, whoever asked for it.
    case 'body/':
    case 'url/':
    case 'header/':
    case 'method/':
      return requestInvalid(
        `publiq refused the request we sent to ${call} as malformed (${problem.type}): a bug in this integration. Nothing was applied, and the caller cannot fix it. ${UNMAPPED_TYPE_NOTE}`,
      );
    // A `uitpas/` type is a refusal on the merits (the pass, the passholder, the event), which publiq explains in
    // `endUserMessage`; request and access faults have their own families. So it is a 422, not a fault of ours or
    // of UiTPAS: the cashier shows the message and sells at the regular price, and repeating the request is useless.
    case 'uitpas/':
      return {
        slug: 'uitpas-refused',
        status: 422,
        title: 'UiTPAS refused the request',
        fix: `UiTPAS refused ${call} (${problem.type}); nothing was applied. Show the endUserMessage, if there is one, and sell at the regular price. ${UNMAPPED_TYPE_NOTE}`,
      };
    default:
      return {
        slug: 'upstream-refused',
        status: 502,
        title: 'A publiq API refused our request',
        fix: `${SERVICE_NAMES[problem.service]} answered ${problem.status} (${problem.type}) to ${problem.endpoint ?? 'our request'}. This is not something the caller can fix; the request was not applied. ${UNMAPPED_TYPE_NOTE}`,
        forOperator: true,
      };
  }
}

/** `UiTPAS GET /passes`: the service and the call, never its query string (see UpstreamProblem.endpoint). */
function callName(problem: UpstreamProblem): string {
  return `${SERVICE_NAMES[problem.service]} ${problem.endpoint ?? '(endpoint not known)'}`;
}

/** Where the operator sets each service's base URL (lib/config.ts). */
const BASE_URL_SETTINGS = {
  uitpas: 'UITPAS_API_URL',
  uitid: 'UITID_TOKEN_URL',
  'uitdatabank-entry': 'UITDATABANK_ENTRY_URL',
  'uitdatabank-search': 'UITDATABANK_SEARCH_URL',
} as const;

/** UiTPAS spells one type two ways; both mean a malformed number. */
function key(problem: UpstreamProblem): string {
  const short = problem.shortType;
  return short === 'uitpas/invalid-uitpasnumber' ? 'uitpas/invalid-uitpas-number' : short;
}

function meaningOf(problem: UpstreamProblem): Meaning {
  const type = key(problem);
  return MEANINGS[type] ?? CALL_MEANINGS[type]?.(problem) ?? familyMeaning(problem);
}

export function problemFromUpstream(problem: UpstreamProblem): AppError {
  const meaning = meaningOf(problem);
  const extensions: Record<string, unknown> = { upstreamType: problem.type };
  if (problem.cardStatus) extensions.cardStatus = problem.cardStatus;
  if (problem.passType) extensions.passType = problem.passType;
  if (problem.groupPass !== undefined) extensions.groupPass = problem.groupPass;
  if (meaning.forOperator) {
    if (problem.endpoint) extensions.upstreamEndpoint = problem.endpoint;
    if (problem.schemaErrors.length) extensions.schemaErrors = problem.schemaErrors.map(redactSchemaError);
  }
  const endUserMessage = problem.endUserMessage ?? meaning.endUserMessage;
  return new AppError(meaning.slug, meaning.status, meaning.title, {
    detail: meaning.fix,
    ...(endUserMessage ? { endUserMessage } : {}),
    extensions,
    ...(meaning.headers ? { headers: meaning.headers } : {}),
    cause: problem,
  });
}

/**
 * publiq's schema errors may quote the value they refused, such as the UiTPAS number of a sale: a run of nine or
 * more digits, or of 8 to 20 hex characters with a letter and a digit in it (a chip number), keeps its last three
 * characters only. A UUID's groups are bounded by hyphens and stay as they are.
 */
const PASS_ID_IN_TEXT =
  /(?<![0-9A-Za-z-])(?:[0-9]{9,}|(?=[0-9A-Fa-f]*[A-Fa-f])(?=[0-9A-Fa-f]*[0-9])[0-9A-Fa-f]{8,20})(?![0-9A-Za-z-])/g;

function redactSchemaError(error: SchemaError): SchemaError {
  return {
    jsonPointer: error.jsonPointer,
    error: error.error.replace(PASS_ID_IN_TEXT, (id) => `${'*'.repeat(id.length - 3)}${id.slice(-3)}`),
  };
}

const SERVICE_NAMES = {
  uitpas: 'UiTPAS',
  uitid: 'UiTPAS',
  'uitdatabank-entry': 'UiTdatabank',
  'uitdatabank-search': 'UiTdatabank',
} as const;

export function unavailableError(error: UpstreamUnavailable): AppError {
  const name = SERVICE_NAMES[error.service];
  const outcome = error.mayHaveApplied
    ? 'The request may or may not have been applied; it is being checked.'
    : 'Nothing was changed; try again in a moment.';
  return new AppError(`${name.toLowerCase()}-unavailable`, 503, `${name} is temporarily unavailable`, {
    detail: `${name} did not answer in time or answered with an error (${error.reason}). ${outcome}`,
    endUserMessage: unavailableMessage(name),
    headers: { 'Retry-After': '5' },
    cause: error,
  });
}

function unavailableMessage(name: string): EndUserMessage {
  return {
    nl: `${name} is tijdelijk niet bereikbaar. Probeer het over enkele ogenblikken opnieuw, of verkoop aan het gewone tarief.`,
    en: `${name} is temporarily unavailable. Try again in a moment, or sell at the regular price.`,
  };
}
