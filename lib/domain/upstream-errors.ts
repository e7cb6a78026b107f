/**
 * What a publiq problem means for our caller. UiTPAS answers some of these with 400 and some with 404 depending on
 * the endpoint (see the brief's open questions), so the mapping goes by `type` only, never by status.
 */
import { AppError, type UpstreamProblem, type UpstreamUnavailable } from './errors.js';

interface Meaning {
  slug: string;
  status: number;
  title: string;
  fix: string;
}

const PASS_UNUSABLE: Omit<Meaning, 'fix'> = {
  slug: 'pass-not-usable',
  status: 422,
  title: 'This UiTPAS cannot be used',
};

const MEANINGS: Record<string, Meaning> = {
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
  'auth/forbidden': {
    slug: 'organizer-not-permitted',
    status: 422,
    title: 'No UiTPAS permission for this organizer',
    fix: 'Our UiTPAS client has no permission for this event’s organizer. Ask the servicedesk to add this organisation to the UiTPAS integration.',
  },
  'uitdatabank/event-has-uitpas-ticket-sales': {
    slug: 'event-has-uitpas-ticket-sales',
    status: 409,
    title: 'The event already has UiTPAS ticket sales',
    fix: 'UiTdatabank no longer allows changing the organizer of this event because it has UiTPAS ticket sales.',
  },
};

/** UiTPAS spells one type two ways; both mean a malformed number. */
function key(problem: UpstreamProblem): string {
  const short = problem.shortType;
  return short === 'uitpas/invalid-uitpasnumber' ? 'uitpas/invalid-uitpas-number' : short;
}

export function problemFromUpstream(problem: UpstreamProblem): AppError {
  const meaning = MEANINGS[key(problem)];
  const extensions: Record<string, unknown> = { upstreamType: problem.type };
  if (problem.cardStatus) extensions.cardStatus = problem.cardStatus;
  if (problem.passType) extensions.passType = problem.passType;
  if (problem.groupPass !== undefined) extensions.groupPass = problem.groupPass;
  const common = { endUserMessage: problem.endUserMessage, extensions, cause: problem };
  if (meaning) {
    return new AppError(meaning.slug, meaning.status, meaning.title, { ...common, detail: meaning.fix });
  }
  if (problem.shortType === 'auth/unauthorized') {
    return new AppError('upstream-authentication-failed', 502, 'We could not authenticate with publiq', {
      ...common,
      detail:
        'Our publiq credentials were refused. The operator must check UITPAS_CLIENT_ID and the client secret.',
    });
  }
  return new AppError('upstream-refused', 502, 'A publiq API refused our request', {
    ...common,
    detail: `${problem.service} answered ${problem.status} (${problem.type}). This is not something the caller can fix; the request was not applied.`,
  });
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
    endUserMessage: {
      nl: `${name} is tijdelijk niet bereikbaar. Probeer het over enkele ogenblikken opnieuw, of verkoop aan het gewone tarief.`,
      en: `${name} is temporarily unavailable. Try again in a moment, or sell at the regular price.`,
    },
    headers: { 'Retry-After': '5' },
    cause: error,
  });
}
