/**
 * RFC 7807 problems as the publiq APIs send them (`application/problem+json`).
 *
 * Handlers throw a `ProblemError`; the dispatcher in `index.ts` turns it into the response. Type URIs are the
 * documented ones; titles follow the OAS examples where there is one (titles are not stable in the real API
 * either, so clients must branch on `type`).
 */

export const PROBLEM_BASE = 'https://api.publiq.be/probs';

export const ProblemTypes = {
  urlNotFound: `${PROBLEM_BASE}/url/not-found`,
  queryLimitExceeded: `${PROBLEM_BASE}/url/query-limit-exceeded`,
  bodyMissing: `${PROBLEM_BASE}/body/missing`,
  bodyInvalidSyntax: `${PROBLEM_BASE}/body/invalid-syntax`,
  bodyInvalidData: `${PROBLEM_BASE}/body/invalid-data`,
  unsupportedMediaType: `${PROBLEM_BASE}/header/unsupported-media-type`,
  methodNotAllowed: `${PROBLEM_BASE}/method/not-allowed`,
  unauthorized: `${PROBLEM_BASE}/auth/unauthorized`,
  forbidden: `${PROBLEM_BASE}/auth/forbidden`,
  // UiTPAS
  invalidUitpasNumber: `${PROBLEM_BASE}/uitpas/invalid-uitpas-number`,
  /** The spelling the UiTPAS OAS uses on /tariffs and POST /ticket-sales (no hyphen). */
  invalidUitpasnumber: `${PROBLEM_BASE}/uitpas/invalid-uitpasnumber`,
  passNotFound: `${PROBLEM_BASE}/uitpas/pass-not-found`,
  passholderNotFound: `${PROBLEM_BASE}/uitpas/passholder-not-found`,
  cardBlocked: `${PROBLEM_BASE}/uitpas/card-blocked`,
  invalidCard: `${PROBLEM_BASE}/uitpas/invalid-card`,
  invalidCardStatus: `${PROBLEM_BASE}/uitpas/invalid-card-status`,
  socialTariffExpired: `${PROBLEM_BASE}/uitpas/social-tariff-expired`,
  socialTariffNotAvailable: `${PROBLEM_BASE}/uitpas/social-tariff-not-available`,
  maximumReached: `${PROBLEM_BASE}/uitpas/maximum-reached`,
  invalidNumberOfTickets: `${PROBLEM_BASE}/uitpas/invalid-number-of-tickets`,
  invalidCoupon: `${PROBLEM_BASE}/uitpas/invalid-coupon`,
  eventNotFound: `${PROBLEM_BASE}/uitpas/event-not-found`,
  organizerNotFound: `${PROBLEM_BASE}/uitpas/organizer-not-found`,
  ticketSaleNotFound: `${PROBLEM_BASE}/uitpas/ticket-sale-not-found`,
  rateLimited: `${PROBLEM_BASE}/uitpas/rate-limited`,
  // UiTdatabank
  eventHasUitpasTicketSales: `${PROBLEM_BASE}/uitdatabank/event-has-uitpas-ticket-sales`,
} as const;

export interface EndUserMessage {
  nl: string;
  fr?: string;
  de?: string;
  en?: string;
}

export interface SchemaError {
  jsonPointer: string;
  error: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  endUserMessage?: EndUserMessage;
  schemaErrors?: SchemaError[];
  cardStatus?: string;
  passholderId?: string;
  passType?: 'INDIVIDUAL' | 'GROUP';
  /** Extra headers for this problem response (e.g. `Allow`, `WWW-Authenticate`). Not serialised. */
  headers?: Record<string, string>;
}

export class ProblemError extends Error {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(`${problem.status} ${problem.type}: ${problem.detail ?? problem.title}`);
    this.name = 'ProblemError';
    this.problem = problem;
  }
}

/** Throws the problem; typed `never` so it can end any code path. */
export function fail(problem: Problem): never {
  throw new ProblemError(problem);
}

export function urlNotFound(detail: string): never {
  return fail({ type: ProblemTypes.urlNotFound, title: 'URL not found', status: 404, detail });
}

export function resourceNotFound(id: string): never {
  return urlNotFound(`The resource with id "${id}" was not found.`);
}

export function unauthorized(detail: string): never {
  return fail({
    type: ProblemTypes.unauthorized,
    title: 'Unauthorized',
    status: 401,
    detail,
    headers: { 'WWW-Authenticate': 'Bearer realm="uitid"' },
  });
}

export function forbidden(detail: string, schemaErrors?: SchemaError[]): never {
  return fail({ type: ProblemTypes.forbidden, title: 'Forbidden', status: 403, detail, schemaErrors });
}

export function invalidData(schemaErrors: SchemaError[], detail?: string): never {
  return fail({
    type: ProblemTypes.bodyInvalidData,
    title: 'Invalid body data',
    status: 400,
    detail,
    schemaErrors,
  });
}

/**
 * End-user messages (nl is mandatory, fr/en given where we have them). Wording follows the examples in the
 * UiTPAS docs/OAS where there is one ("Je sociaal tarief is verlopen…", "Je hebt geen recht meer op
 * kansentarief…"); the others are our own but in the same tone.
 */
export const Messages = {
  socialTariffExpired: {
    nl: 'Je kansentarief is verlopen. Contacteer je UiTPAS-balie om het te verlengen.',
    fr: 'Votre tarif social a expiré. Contactez votre comptoir UiTPAS pour le prolonger.',
    en: 'Your social tariff has expired. Contact your UiTPAS desk to renew it.',
  },
  socialTariffExpiredPassWarning: 'Je sociaal tarief is verlopen. Contacteer je UiTPAS balie.',
  noSocialTariff: {
    nl: 'Je hebt geen recht op kansentarief met deze UiTPAS.',
    fr: "Vous n'avez pas droit au tarif social avec cette UiTPAS.",
    en: 'This UiTPAS is not entitled to the social tariff.',
  },
  otherRegion: (regions: string[]) => ({
    nl: sentences(
      'Je kansentarief is niet geldig voor deze activiteit.',
      `Deze activiteit geeft enkel kansentarief aan UiTPAS-houders van ${joinOr(regions, 'of')}.`,
    ),
    fr: sentences(
      "Votre tarif social n'est pas valable pour cette activité.",
      `Cette activité n'accorde le tarif social qu'aux détenteurs UiTPAS de ${joinOr(regions, 'ou')}.`,
    ),
    en: sentences(
      'Your social tariff is not valid for this activity.',
      `This activity only gives the social tariff to UiTPAS holders of ${joinOr(regions, 'or')}.`,
    ),
  }),
  couponsOtherRegion: {
    nl: 'Je coupons zijn niet geldig voor deze activiteit.',
    fr: 'Vos coupons ne sont pas valables pour cette activité.',
    en: 'Your coupons are not valid for this activity.',
  },
  noUitpasDiscounts: {
    nl: 'Deze activiteit biedt geen UiTPAS-kortingen aan.',
    fr: "Cette activité n'offre pas de réductions UiTPAS.",
    en: 'This activity does not offer UiTPAS discounts.',
  },
  limitReached: (volume: number, period: string) => ({
    nl: `Je hebt geen recht meer op kansentarief voor deze activiteit. Je kan maximaal ${volume} ${
      volume === 1 ? 'ticket' : 'tickets'
    } ${periodNl(period)} kopen aan kansentarief voor deze activiteit.`,
    fr: sentences(
      "Vous n'avez plus droit au tarif social pour cette activité.",
      `Vous pouvez acheter au maximum ${volume} ticket(s) ${periodFr(period)} au tarif social`,
      'pour cette activité.',
    ),
    en: sentences(
      'You are no longer entitled to the social tariff for this activity.',
      `You can buy at most ${volume} ticket(s) ${periodEn(period)} at the social tariff for this activity.`,
    ),
  }),
  groupLimitReached: (volume: number, period: string) => ({
    nl: `Met deze groepspas kan je maximaal ${volume} tickets ${periodNl(period)} kopen met UiTPAS-korting.`,
    en: `With this group pass you can buy at most ${volume} tickets ${periodEn(period)} at a discount.`,
  }),
  invalidNumberOfTickets: (remaining: number) => ({
    nl: `Je kan nog maximaal ${tickets(remaining)} kopen aan dit tarief voor deze activiteit.`,
    fr: `Vous pouvez encore acheter au maximum ${remaining} ticket(s) à ce tarif pour cette activité.`,
    en: `You can buy at most ${remaining} more ticket(s) at this tariff for this activity.`,
  }),
  couponUsed: {
    nl: 'Deze coupon werd al gebruikt of is niet geldig voor deze activiteit.',
    fr: "Ce coupon a déjà été utilisé ou n'est pas valable pour cette activité.",
    en: 'This coupon has already been used or is not valid for this activity.',
  },
  cardBlocked: {
    nl: 'Deze UiTPAS is geblokkeerd. Contacteer je UiTPAS-balie.',
    fr: 'Cette UiTPAS est bloquée. Contactez votre comptoir UiTPAS.',
    en: 'This UiTPAS is blocked. Contact your UiTPAS desk.',
  },
  cardNotActive: {
    nl: 'Deze UiTPAS is nog niet geactiveerd. Registreer de kaart eerst aan een UiTPAS-balie.',
    fr: "Cette UiTPAS n'est pas encore activée. Faites d'abord enregistrer la carte à un comptoir UiTPAS.",
    en: 'This UiTPAS has not been activated yet. Register the card at an UiTPAS desk first.',
  },
  invalidUitpasNumber: {
    nl: 'Dit is geen geldig UiTPAS-nummer. Controleer het nummer en probeer opnieuw.',
    fr: "Ce n'est pas un numéro UiTPAS valide. Vérifiez le numéro et réessayez.",
    en: 'This is not a valid UiTPAS number. Check the number and try again.',
  },
  passholderNotFound: {
    nl: 'Er werd geen UiTPAS gevonden met dit nummer. Controleer het nummer en probeer opnieuw.',
    fr: "Aucune UiTPAS n'a été trouvée avec ce numéro. Vérifiez le numéro et réessayez.",
    en: 'No UiTPAS was found with this number. Check the number and try again.',
  },
  eventNotFound: {
    nl: 'Deze activiteit is (nog) niet gekend bij UiTPAS.',
    fr: "Cette activité n'est pas (encore) connue par UiTPAS.",
    en: 'This activity is not (yet) known to UiTPAS.',
  },
  eventHasTicketSales: {
    nl: sentences(
      'De organisator van deze activiteit kan niet meer gewijzigd worden,',
      'want er werden al tickets met UiTPAS-korting verkocht.',
    ),
    fr: sentences(
      "L'organisateur de cette activité ne peut plus être modifié,",
      'car des tickets avec réduction UiTPAS ont déjà été vendus.',
    ),
    en: sentences(
      'The organizer of this activity can no longer be changed,',
      'because tickets with an UiTPAS discount have already been sold.',
    ),
  },
} as const;

/** Joins message parts with a space (keeps the long texts within the line length). */
function sentences(...parts: string[]): string {
  return parts.join(' ');
}

function tickets(count: number): string {
  return `${count} ${count === 1 ? 'ticket' : 'tickets'}`;
}

function joinOr(items: string[], or: string): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${or} ${items.at(-1)}`;
}

function periodNl(period: string): string {
  return (
    {
      DAY: 'per dag',
      WEEK: 'per week',
      MONTH: 'per maand',
      QUARTER: 'per kwartaal',
      YEAR: 'per jaar',
      ABSOLUTE: 'in totaal',
    }[period] ?? ''
  );
}

function periodFr(period: string): string {
  return (
    {
      DAY: 'par jour',
      WEEK: 'par semaine',
      MONTH: 'par mois',
      QUARTER: 'par trimestre',
      YEAR: 'par an',
      ABSOLUTE: 'au total',
    }[period] ?? ''
  );
}

function periodEn(period: string): string {
  return (
    {
      DAY: 'per day',
      WEEK: 'per week',
      MONTH: 'per month',
      QUARTER: 'per quarter',
      YEAR: 'per year',
      ABSOLUTE: 'in total',
    }[period] ?? ''
  );
}
