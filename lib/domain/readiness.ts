/**
 * Is a ticketing event UiTPAS-ready? The manual's checklist (product rules 1, 4 and 5), answered item by item from
 * facts gathered elsewhere: what the ticketing system told us, what UiTdatabank and UiTPAS answered. Pure: the use
 * case (lib/use-cases/readiness) gathers the facts, this module only judges them.
 *
 * Every item is always answered. An item whose input is missing because an item above it failed says so ("fix the
 * item above first") instead of being left out; an item whose upstream could not be reached says that, and the report
 * is then never ready: we do not guess.
 */
import type { Organisation, Promotor, TicketingEvent, UitdatabankIdSource } from './mappings.js';
import { standardTicketTypes, UITPAS_LABEL } from './mappings.js';
import {
  matchOrganizer,
  type OrganizerMatch,
  type OrganizerResolution,
  resolveOrganizer,
} from './organizer.js';
import type { CardSystemCoverage, CardSystemRef, OrganizerPermissionSnapshot } from './tariffs.js';
import { sameUitdatabankId } from './uitdatabank-ids.js';

/**
 * In checklist order: an item only depends on items above it. The manual's list first; then what the integration
 * needs beyond the till (`uitpas-ticket-sales-search`), which never makes an event not ready.
 */
export const READINESS_ITEM_IDS = [
  'uitdatabank-id',
  'uitpas-label',
  'standard-ticket-type',
  'uitdatabank-event',
  'base-price',
  'organizer-match',
  'uitpas-permission',
  'uitpas-knows-event',
  'uitpas-ticket-sales-search',
] as const;
export type ReadinessItemId = (typeof READINESS_ITEM_IDS)[number];

/** `error`: a failing item makes the event not ready. `warning`: worth fixing, but the event can be sold. */
export type ReadinessSeverity = 'error' | 'warning';

export interface Fix {
  nl: string;
  en: string;
}

export interface ReadinessItem {
  id: ReadinessItemId;
  ok: boolean;
  /**
   * How much a failure of this item counts; only a base price mismatch, a permission that leaves some of the event's
   * card systems out and a missing TICKETSALES_SEARCH (`uitpas-ticket-sales-search`, always a warning) are warnings.
   */
  severity: ReadinessSeverity;
  /** What was seen (JSON): a value, or a sentence when there was nothing to see. */
  observed: unknown;
  /** What to do, present when the item is not ok. */
  fix?: Fix;
  /** Set when the item could not be checked because its upstream gave no usable answer: worth checking again. */
  unavailable?: true;
}

export interface ReadinessReport {
  eventId: string;
  /** True when no item with severity `error` fails. */
  ready: boolean;
  checkedAt: string;
  items: ReadinessItem[];
  /**
   * What the check found out about the permission of the organizer UiTPAS will check at the till (the UiTdatabank
   * event's organizer, else the resolved one). Absent when that could not be established.
   */
  organizerPermission?: OrganizerPermissionSnapshot;
  /**
   * How the UiTdatabank event's organizer compares with ours, for the event's UiTdatabank id; absent when the event
   * has none or UiTdatabank could not be read (an earlier verdict then stands).
   */
  organizer?: { uitdatabankId: string; match: OrganizerMatch };
}

/** The upstream could not give a usable answer (timeout, 5xx, refused credentials...). */
export const UNAVAILABLE = 'unavailable';
export type Unavailable = typeof UNAVAILABLE;

/** The part of an UiTdatabank event the checklist reads (see lib/use-cases/readiness for the mapping from JSON-LD). */
export interface UitdatabankEventFacts {
  /** Bare UiTdatabank event id. */
  id: string;
  /** `DRAFT`, `READY_FOR_VALIDATION`, `APPROVED`, `REJECTED`, `DELETED`; undefined when UiTdatabank did not say. */
  workflowStatus: string | undefined;
  /** The price of the `base` priceInfo entry, EUR; undefined when there is none. */
  basePrice: number | undefined;
  /** Bare UiTdatabank organizer id; null when the event has no organizer or a dummy one without `@id`. */
  organizerId: string | null;
}

/** One organizer our UiTPAS client may act for, linked organizers flattened in, with every permission it holds. */
export interface PermittedOrganizer {
  organizerId: string;
  name: string;
  permissions: string[];
  /**
   * Per permission of `permissions` that UiTPAS limits to some card systems (`permissionDetails[].cardSystemIds`),
   * those card systems. A permission without an entry (or an organizer without this field) is not limited: UiTPAS
   * gave no card systems for it, or it came from the deprecated `permissions[]`, or from a cache item stored before
   * card systems were kept (see lib/adapters/dynamodb/permissions.ts).
   */
  cardSystemLimits?: Record<string, number[]>;
}

export interface CardSystemFacts {
  id: number;
  name?: string | undefined;
  enabled: boolean;
}

export interface ReadinessFacts {
  event: TicketingEvent;
  /** The stored records for `event.organisationId` and `event.promotorId`; undefined when not found. */
  organisation: Pick<Organisation, 'organisationId' | 'uitdatabankOrganizerId'> | undefined;
  promotor: Pick<Promotor, 'promotorId' | 'uitdatabankOrganizerId'> | undefined;
  /** Null: UiTdatabank answered 404. Ignored when the event has no UiTdatabank id. */
  uitdatabankEvent: UitdatabankEventFacts | null | Unavailable;
  /** `GET /permissions`, normalised. */
  permissions: readonly PermittedOrganizer[] | Unavailable;
  /** `GET /events/{id}/card-systems`; null: UiTPAS answered 404 (it does not know the event). */
  cardSystems: readonly CardSystemFacts[] | null | Unavailable;
  now: Date;
}

/** Both are needed at the till: reading the tariffs and registering the sale (brief §4.10). */
export const REQUIRED_PERMISSIONS = ['TARIFFS_READ', 'TICKETSALES_REGISTER'] as const;

/**
 * Not needed to sell, so never required: `GET /ticket-sales` needs it for the event's organizer (brief §4.5), to
 * settle a registration whose answer was lost and to reconcile our sales with UiTPAS's. publiq does not give it to a
 * new integration: it must be asked for.
 */
export const TICKET_SALES_SEARCH_PERMISSION = 'TICKETSALES_SEARCH';

export const PUBLISHED_STATUSES: readonly string[] = ['READY_FOR_VALIDATION', 'APPROVED'];

const ITEM_NAMES: Record<ReadinessItemId, Fix> = {
  'uitdatabank-id': { nl: 'UiTdatabank-id', en: 'UiTdatabank id' },
  'uitpas-label': { nl: 'label UiTPAS', en: 'UiTPAS label' },
  'standard-ticket-type': { nl: 'standaardtickettype', en: 'standard ticket type' },
  'uitdatabank-event': { nl: 'evenement in UiTdatabank', en: 'UiTdatabank event' },
  'base-price': { nl: 'basistarief', en: 'base price' },
  'organizer-match': { nl: 'organisator', en: 'organizer' },
  'uitpas-permission': { nl: 'UiTPAS-rechten', en: 'UiTPAS permission' },
  'uitpas-knows-event': { nl: 'evenement gekend bij UiTPAS', en: 'event known to UiTPAS' },
  'uitpas-ticket-sales-search': { nl: 'UiTPAS-verkopen zoeken', en: 'UiTPAS ticket sales search' },
};

const SERVICE = { uitpas: 'UiTPAS', uitdatabank: 'UiTdatabank' } as const;
type Service = keyof typeof SERVICE;

function pass(id: ReadinessItemId, observed: unknown, severity: ReadinessSeverity = 'error'): ReadinessItem {
  return { id, ok: true, severity, observed };
}

function fail(id: ReadinessItemId, observed: unknown, fix: Fix, severity: ReadinessSeverity = 'error') {
  return { id, ok: false, severity, observed, fix };
}

/** The item's input is missing because `above` failed: answer it, but point at the real problem. */
function blockedBy(id: ReadinessItemId, above: ReadinessItemId): ReadinessItem {
  const name = ITEM_NAMES[above];
  return fail(id, `not checked: "${name.en}" failed`, {
    nl: `Los eerst het punt "${name.nl}" hierboven op; daarna kan dit punt gecontroleerd worden.`,
    en: `Fix the item "${name.en}" above first; then this item can be checked.`,
  });
}

function unreachable(id: ReadinessItemId, service: Service): ReadinessItem {
  const name = SERVICE[service];
  return {
    ...fail(id, `${name} unreachable`, {
      nl: `${name} was niet bereikbaar, dus dit punt kon niet gecontroleerd worden. Probeer het over enkele ogenblikken opnieuw.`,
      en: `${name} could not be reached, so this item could not be checked. Try again in a moment.`,
    }),
    unavailable: true,
  };
}

const euro = (amount: number) => `${amount.toFixed(2)} EUR`;
const cents = (amount: number) => Math.round(amount * 100);

/** The permissions our client holds for an organizer, directly or as a linked organizer; undefined: not listed. */
export function permissionsFor(
  organizerId: string,
  permissions: readonly PermittedOrganizer[],
): string[] | undefined {
  const entries = permissions.filter((entry) => sameUitdatabankId(entry.organizerId, organizerId));
  if (entries.length === 0) return undefined;
  return [...new Set(entries.flatMap((entry) => entry.permissions))].sort();
}

export function missingPermissions(held: readonly string[]): string[] {
  return REQUIRED_PERMISSIONS.filter((permission) => !held.includes(permission));
}

/**
 * The card systems one permission holds for, over several grants of it (an organizer listed directly and as a linked
 * organizer, say): a grant without limit (undefined, or an empty list, which we read as "not limited") wins, since
 * UiTPAS lets the request through on it; limited grants add up. Undefined: not limited.
 */
export function unionOfCardSystemLimits(
  grants: readonly (readonly number[] | undefined)[],
): number[] | undefined {
  const ids = new Set<number>();
  for (const grant of grants) {
    if (grant === undefined || grant.length === 0) return undefined;
    for (const id of grant) ids.add(id);
  }
  return [...ids].sort((a, b) => a - b);
}

/**
 * Per required permission the organizer holds, the card systems it is limited to (null: not limited); undefined when
 * none of them is limited, or the organizer is not listed.
 */
export function requiredCardSystemLimits(
  organizerId: string,
  permissions: readonly PermittedOrganizer[],
): Record<string, number[] | null> | undefined {
  const entries = permissions.filter((entry) => sameUitdatabankId(entry.organizerId, organizerId));
  const limits: Record<string, number[] | null> = {};
  let limited = false;
  for (const permission of REQUIRED_PERMISSIONS) {
    const grants = entries.filter((entry) => entry.permissions.includes(permission));
    if (grants.length === 0) continue;
    const limit = unionOfCardSystemLimits(grants.map((entry) => entry.cardSystemLimits?.[permission]));
    limits[permission] = limit ?? null;
    if (limit) limited = true;
  }
  return limited ? limits : undefined;
}

/**
 * Which of the event's enabled card systems every required permission covers. A card system needs both: the till
 * reads the tariffs and registers the sale for the same pass.
 */
function coverageOf(
  limits: Record<string, number[] | null>,
  cardSystems: readonly CardSystemFacts[],
): CardSystemCoverage {
  const covered: CardSystemRef[] = [];
  const uncovered: CardSystemRef[] = [];
  for (const cardSystem of cardSystems) {
    if (!cardSystem.enabled) continue;
    const ref = { id: cardSystem.id, name: cardSystem.name ?? null };
    const all = Object.values(limits).every((limit) => limit === null || limit.includes(cardSystem.id));
    (all ? covered : uncovered).push(ref);
  }
  return { covered, uncovered };
}

/** The event's card systems, when UiTPAS told them; otherwise why not (the item "event known to UiTPAS" says more). */
function knownCardSystems(facts: ReadinessFacts): readonly CardSystemFacts[] | string {
  if (!facts.event.uitdatabankId || facts.cardSystems === null) {
    return `not checked: "${ITEM_NAMES['uitpas-knows-event'].en}" failed`;
  }
  if (facts.cardSystems === UNAVAILABLE) return 'not checked: UiTPAS unreachable';
  return facts.cardSystems;
}

const cardSystemName = (cardSystem: CardSystemRef, lang: 'nl' | 'en') =>
  cardSystem.name
    ? `${cardSystem.name} (${cardSystem.id})`
    : `${lang === 'nl' ? 'kaartsysteem' : 'card system'} ${cardSystem.id}`;

const cardSystemNames = (cardSystems: readonly CardSystemRef[], lang: 'nl' | 'en') =>
  cardSystems.map((cardSystem) => cardSystemName(cardSystem, lang)).join(', ');

/** "TARIFFS_READ: UiTPAS Gent (1); TICKETSALES_REGISTER: all card systems", with the names the event gave. */
function describeLimits(
  limits: Record<string, number[] | null>,
  cardSystems: readonly CardSystemFacts[],
  lang: 'nl' | 'en',
): string {
  const named = (id: number): CardSystemRef => ({
    id,
    name: cardSystems.find((cardSystem) => cardSystem.id === id)?.name ?? null,
  });
  return Object.entries(limits)
    .map(([permission, limit]) => {
      if (limit === null)
        return `${permission}: ${lang === 'nl' ? 'alle kaartsystemen' : 'all card systems'}`;
      return `${permission}: ${cardSystemNames(limit.map(named), lang)}`;
    })
    .join('; ');
}

function uitdatabankIdItem(event: TicketingEvent): ReadinessItem {
  if (event.uitdatabankId) {
    const source: UitdatabankIdSource = event.uitdatabankIdSource ?? 'manual';
    return pass('uitdatabank-id', { uitdatabankId: event.uitdatabankId, source });
  }
  return fail(
    'uitdatabank-id',
    { uitdatabankId: null },
    {
      nl: 'Het evenement heeft geen UiTdatabank-id. Geef het het label uitDB zodat de synchronisatie het in UiTdatabank aanmaakt, of vul het UiTdatabank-id in als externe mapping.',
      en: 'The event has no UiTdatabank id. Label it uitDB so the sync creates it in UiTdatabank, or enter its UiTdatabank id as an external mapping.',
    },
  );
}

function labelItem(event: TicketingEvent): ReadinessItem {
  if (event.labels.includes(UITPAS_LABEL)) return pass('uitpas-label', { labels: event.labels });
  return fail(
    'uitpas-label',
    { labels: event.labels },
    {
      nl: `Het evenement heeft het label ${UITPAS_LABEL} niet. Voeg het toe in het ticketingsysteem als het kansentarief voor dit evenement geldt (let op de hoofdletters).`,
      en: `The event does not carry the label ${UITPAS_LABEL}. Add it in the ticketing system if the social tariff applies to this event (mind the capitals).`,
    },
  );
}

function standardTicketTypeItem(event: TicketingEvent): ReadinessItem {
  const standard = standardTicketTypes(event);
  const observed = {
    standardTicketTypes: standard.map(({ id, name, price }) => ({ id, name, price })),
  };
  const [only] = standard;
  if (!only) {
    return fail('standard-ticket-type', observed, {
      nl: 'Geen enkel tickettype is als standaard aangeduid. Duid precies één tickettype aan als standaard: dat met het basistarief, het enige waarop UiTPAS korting geeft.',
      en: 'No ticket type is marked standard. Mark exactly one ticket type as standard: the one at the base price, the only one UiTPAS discounts.',
    });
  }
  if (standard.length > 1) {
    const ids = standard.map((ticketType) => ticketType.id).join(', ');
    return fail('standard-ticket-type', observed, {
      nl: `${standard.length} tickettypes zijn als standaard aangeduid (${ids}). Duid er precies één aan: dat met het basistarief.`,
      en: `${standard.length} ticket types are marked standard (${ids}). Mark exactly one: the one at the base price.`,
    });
  }
  if (only.price <= 0) {
    return fail('standard-ticket-type', observed, {
      nl: `Het standaardtickettype ${only.id} kost ${euro(only.price)}. Geef het het basistarief, meer dan 0 EUR: UiTPAS berekent het kansentarief op die prijs.`,
      en: `The standard ticket type ${only.id} costs ${euro(only.price)}. Give it the base price, above 0 EUR: UiTPAS computes the social tariff from that price.`,
    });
  }
  return pass('standard-ticket-type', observed);
}

/** The standard price when item 3 holds; undefined otherwise. */
function standardPrice(event: TicketingEvent): number | undefined {
  const standard = standardTicketTypes(event);
  const [only] = standard;
  return only && standard.length === 1 && only.price > 0 ? only.price : undefined;
}

type UitdatabankInput = UitdatabankEventFacts | { blocked: ReadinessItemId } | { unreachable: true };

/**
 * What the items reading the UiTdatabank event get. An unpublished event is still read: its base price and organizer
 * are checked too, so one visit fixes everything.
 */
function uitdatabankInput(facts: ReadinessFacts): UitdatabankInput {
  if (!facts.event.uitdatabankId) return { blocked: 'uitdatabank-id' };
  if (facts.uitdatabankEvent === UNAVAILABLE) return { unreachable: true };
  if (facts.uitdatabankEvent === null) return { blocked: 'uitdatabank-event' };
  return facts.uitdatabankEvent;
}

function uitdatabankEventItem(facts: ReadinessFacts): ReadinessItem {
  const uitdatabankId = facts.event.uitdatabankId;
  if (!uitdatabankId) return blockedBy('uitdatabank-event', 'uitdatabank-id');
  const found = facts.uitdatabankEvent;
  if (found === UNAVAILABLE) return unreachable('uitdatabank-event', 'uitdatabank');
  if (found === null) {
    return fail('uitdatabank-event', `UiTdatabank does not know event ${uitdatabankId}`, {
      nl: `UiTdatabank kent geen evenement ${uitdatabankId}. Controleer het UiTdatabank-id: kopieer het van de pagina van het evenement in UiTdatabank.`,
      en: `UiTdatabank has no event ${uitdatabankId}. Check the UiTdatabank id: copy it from the event's page in UiTdatabank.`,
    });
  }
  const status = found.workflowStatus;
  const observed = { uitdatabankId: found.id, workflowStatus: status ?? null };
  if (status !== undefined && PUBLISHED_STATUSES.includes(status)) return pass('uitdatabank-event', observed);
  return fail('uitdatabank-event', observed, unpublishedFix(found.id, status));
}

function unpublishedFix(id: string, status: string | undefined): Fix {
  switch (status) {
    case 'DRAFT':
      return {
        nl: `Het evenement ${id} staat in UiTdatabank nog in draft. Publiceer het: UiTPAS kent alleen gepubliceerde evenementen.`,
        en: `The event ${id} is still a draft in UiTdatabank. Publish it: UiTPAS only knows published events.`,
      };
    case 'REJECTED':
      return {
        nl: `Het evenement ${id} werd in UiTdatabank afgekeurd. Pas het aan volgens de opmerkingen van de validatie, of koppel het ticketingevenement aan een ander UiTdatabank-evenement.`,
        en: `The event ${id} was rejected in UiTdatabank. Correct it as the validation asked, or map the ticketing event to another UiTdatabank event.`,
      };
    case 'DELETED':
      return {
        nl: `Het evenement ${id} werd in UiTdatabank verwijderd. Koppel het ticketingevenement aan een ander, gepubliceerd UiTdatabank-evenement.`,
        en: `The event ${id} was deleted in UiTdatabank. Map the ticketing event to another, published UiTdatabank event.`,
      };
    default:
      return {
        nl: `Het evenement ${id} is in UiTdatabank niet gepubliceerd (status ${status ?? 'onbekend'}). Publiceer het.`,
        en: `The event ${id} is not published in UiTdatabank (status ${status ?? 'unknown'}). Publish it.`,
      };
  }
}

function basePriceItem(facts: ReadinessFacts, input: UitdatabankInput): ReadinessItem {
  if ('blocked' in input) return blockedBy('base-price', input.blocked);
  if ('unreachable' in input) return unreachable('base-price', 'uitdatabank');
  const standard = standardPrice(facts.event);
  const observed = { basePrice: input.basePrice ?? null, standardPrice: standard ?? null };
  if (input.basePrice === undefined) {
    return fail('base-price', observed, {
      nl: `Het UiTdatabank-evenement ${input.id} heeft geen basistarief. Vul in UiTdatabank een basistarief in, meer dan 0 EUR${standard === undefined ? '' : ` (${euro(standard)}, de prijs van het standaardtickettype)`}.`,
      en: `The UiTdatabank event ${input.id} has no base price. Enter a base price above 0 EUR in UiTdatabank${standard === undefined ? '' : ` (${euro(standard)}, the price of the standard ticket type)`}.`,
    });
  }
  if (cents(input.basePrice) <= 0) {
    return fail('base-price', observed, {
      nl: `Het basistarief van het UiTdatabank-evenement ${input.id} is 0 EUR. Een UiTPAS-evenement heeft een basistarief boven 0 EUR nodig: vul het in UiTdatabank in.`,
      en: `The base price of the UiTdatabank event ${input.id} is 0 EUR. An UiTPAS event needs a base price above 0 EUR: enter it in UiTdatabank.`,
    });
  }
  if (standard === undefined) {
    return fail(
      'base-price',
      observed,
      {
        nl: `Het basistarief (${euro(input.basePrice)}) kan pas vergeleken worden met de prijs van het standaardtickettype als er precies één standaardtickettype met een prijs is: los dat punt hierboven eerst op.`,
        en: `The base price (${euro(input.basePrice)}) can only be compared with the standard ticket type's price once there is exactly one standard ticket type with a price: fix that item above first.`,
      },
      'warning',
    );
  }
  if (cents(input.basePrice) !== cents(standard)) {
    return fail(
      'base-price',
      observed,
      {
        nl: `Het basistarief in UiTdatabank (${euro(input.basePrice)}) verschilt van de prijs van het standaardtickettype (${euro(standard)}). De kassa vraagt het kansentarief op de prijs van het standaardtickettype; zet het basistarief in UiTdatabank gelijk zodat wat UiTdatabank toont klopt.`,
        en: `The base price in UiTdatabank (${euro(input.basePrice)}) differs from the standard ticket type's price (${euro(standard)}). The till asks the social tariff for the standard ticket type's price; set the same base price in UiTdatabank so what UiTdatabank shows is right.`,
      },
      'warning',
    );
  }
  return pass('base-price', observed);
}

function organizerMatchItem(
  facts: ReadinessFacts,
  resolution: OrganizerResolution,
  input: UitdatabankInput,
): ReadinessItem {
  if (!resolution.ok) {
    return fail(
      'organizer-match',
      {
        expectedOrganizerId: null,
        unresolved: resolution.reason.code,
        ...('id' in input ? { uitdatabankOrganizerId: input.organizerId } : {}),
      },
      resolution.reason.fix,
    );
  }
  if ('blocked' in input) return blockedBy('organizer-match', input.blocked);
  if ('unreachable' in input) return unreachable('organizer-match', 'uitdatabank');
  const actual = input.organizerId;
  const expected = resolution.organizerId;
  const from =
    resolution.source === 'promotor'
      ? { nl: `promotor ${facts.event.promotorId}`, en: `promotor ${facts.event.promotorId}` }
      : { nl: `organisatie ${facts.event.organisationId}`, en: `organisation ${facts.event.organisationId}` };
  const observed = {
    expectedOrganizerId: expected,
    expectedFrom: resolution.source,
    uitdatabankOrganizerId: actual,
  };
  if (actual === null) {
    return fail('organizer-match', observed, {
      nl: `Het UiTdatabank-evenement ${input.id} heeft geen organisator. Stel in UiTdatabank organisator ${expected} in (die van ${from.nl}).`,
      en: `The UiTdatabank event ${input.id} has no organizer. Set organizer ${expected} (that of ${from.en}) in UiTdatabank.`,
    });
  }
  if (!sameUitdatabankId(actual, expected)) {
    return fail('organizer-match', observed, {
      nl: `De organisator van het UiTdatabank-evenement (${actual}) is niet die van ${from.nl} (${expected}). Zet de organisator in UiTdatabank op ${expected}, of corrigeer het UiTdatabank-organisator-id van ${from.nl}.`,
      en: `The UiTdatabank event's organizer (${actual}) is not that of ${from.en} (${expected}). Set the organizer in UiTdatabank to ${expected}, or correct the UiTdatabank organizer id of ${from.en}.`,
    });
  }
  return pass('organizer-match', observed);
}

function permissionItem(facts: ReadinessFacts, resolution: OrganizerResolution): ReadinessItem {
  if (!resolution.ok) return blockedBy('uitpas-permission', 'organizer-match');
  if (facts.permissions === UNAVAILABLE) return unreachable('uitpas-permission', 'uitpas');
  const organizerId = resolution.organizerId;
  const held = permissionsFor(organizerId, facts.permissions);
  const missing = missingPermissions(held ?? []);
  const observed = { organizerId, listed: held !== undefined, permissions: held ?? [], missing };
  if (held === undefined) {
    return fail('uitpas-permission', observed, {
      nl: `Organisator ${organizerId} staat niet bij de organisaties waarvoor onze UiTPAS-client rechten heeft (of het is geen UiTPAS-organisator). Vraag de servicedesk om deze organisatie toe te voegen aan de UiTPAS-integratie.`,
      en: `Organizer ${organizerId} is not among the organizers our UiTPAS client holds permissions for (or it is not an UiTPAS organizer). Ask the servicedesk to add this organisation to the UiTPAS integration.`,
    });
  }
  if (missing.length > 0) {
    return fail('uitpas-permission', observed, {
      nl: `Onze UiTPAS-client mist voor organisator ${organizerId} de rechten ${missing.join(' en ')}. Vraag de servicedesk om deze organisatie toe te voegen aan de UiTPAS-integratie, met ${REQUIRED_PERMISSIONS.join(' en ')}.`,
      en: `Our UiTPAS client lacks ${missing.join(' and ')} for organizer ${organizerId}. Ask the servicedesk to add this organisation to the UiTPAS integration, with ${REQUIRED_PERMISSIONS.join(' and ')}.`,
    });
  }
  return cardSystemsOfPermission(facts, organizerId, observed);
}

/**
 * The permissions are held; when UiTPAS limits one to card systems, which of the event's enabled card systems they
 * cover. None: UiTPAS refuses every pass, so the event is not ready. Some: ready, with a warning, since passholders of
 * the others get no discount. The event's card systems unknown (UiTPAS does not know the event, or was unreachable):
 * the item below already fails and keeps the event not ready, so this item judges the permission alone and says the
 * card systems were not checked, rather than failing a second time for the same cause.
 */
function cardSystemsOfPermission(
  facts: ReadinessFacts,
  organizerId: string,
  observed: Record<string, unknown>,
): ReadinessItem {
  const limits =
    facts.permissions === UNAVAILABLE ? undefined : requiredCardSystemLimits(organizerId, facts.permissions);
  if (!limits) return pass('uitpas-permission', observed);
  const known = knownCardSystems(facts);
  if (typeof known === 'string') {
    return pass('uitpas-permission', {
      ...observed,
      cardSystems: { limitedTo: limits, eventCardSystems: known },
    });
  }
  const coverage = coverageOf(limits, known);
  const withCoverage = { ...observed, cardSystems: { limitedTo: limits, ...coverage } };
  const required = REQUIRED_PERMISSIONS.join(' en ');
  const requiredEn = REQUIRED_PERMISSIONS.join(' and ');
  if (coverage.covered.length === 0 && coverage.uncovered.length > 0) {
    return fail('uitpas-permission', withCoverage, {
      nl: `Onze UiTPAS-rechten voor organisator ${organizerId} gelden alleen voor bepaalde kaartsystemen (${describeLimits(limits, known, 'nl')}), en geen enkel kaartsysteem van dit evenement (${cardSystemNames(coverage.uncovered, 'nl')}) valt daaronder: UiTPAS weigert dus elke pas. Vraag publiq (de UiTPAS-servicedesk) om ${required} voor deze organisatie ook voor ${cardSystemNames(coverage.uncovered, 'nl')} toe te kennen.`,
      en: `Our UiTPAS permissions for organizer ${organizerId} are limited to certain card systems (${describeLimits(limits, known, 'en')}), and none of this event's card systems (${cardSystemNames(coverage.uncovered, 'en')}) is among them, so UiTPAS refuses every pass. Ask publiq (the UiTPAS servicedesk) to grant ${requiredEn} for this organisation for ${cardSystemNames(coverage.uncovered, 'en')} too.`,
    });
  }
  if (coverage.uncovered.length > 0) {
    return fail(
      'uitpas-permission',
      withCoverage,
      {
        nl: `Onze UiTPAS-rechten voor organisator ${organizerId} gelden niet voor alle kaartsystemen van dit evenement (${describeLimits(limits, known, 'nl')}): pashouders van ${cardSystemNames(coverage.uncovered, 'nl')} krijgen geen kansentarief, alleen die van ${cardSystemNames(coverage.covered, 'nl')}. Moeten zij korting krijgen, vraag publiq (de UiTPAS-servicedesk) dan om ${required} ook voor ${cardSystemNames(coverage.uncovered, 'nl')} toe te kennen.`,
        en: `Our UiTPAS permissions for organizer ${organizerId} do not cover every card system of this event (${describeLimits(limits, known, 'en')}): passholders of ${cardSystemNames(coverage.uncovered, 'en')} get no discount, only those of ${cardSystemNames(coverage.covered, 'en')} do. If they should, ask publiq (the UiTPAS servicedesk) to grant ${requiredEn} for ${cardSystemNames(coverage.uncovered, 'en')} too.`,
      },
      'warning',
    );
  }
  return pass('uitpas-permission', withCoverage);
}

/**
 * Does our client hold TICKETSALES_SEARCH for the organizer the permission item judged? Always a warning, also when it
 * could not be checked: the till sells without it, so it never makes the event not ready (and the basket, which goes
 * by the snapshot's organizer permission, never refuses on it).
 */
function ticketSalesSearchItem(facts: ReadinessFacts, resolution: OrganizerResolution): ReadinessItem {
  const id = 'uitpas-ticket-sales-search';
  const warning = (item: ReadinessItem): ReadinessItem => ({ ...item, severity: 'warning' });
  if (!resolution.ok) return warning(blockedBy(id, 'organizer-match'));
  if (facts.permissions === UNAVAILABLE) return warning(unreachable(id, 'uitpas'));
  const organizerId = resolution.organizerId;
  const held = permissionsFor(organizerId, facts.permissions);
  const observed = {
    organizerId,
    listed: held !== undefined,
    held: held?.includes(TICKET_SALES_SEARCH_PERMISSION) ?? false,
  };
  if (observed.held) return pass(id, observed, 'warning');
  return fail(
    id,
    observed,
    {
      nl: `Onze UiTPAS-client heeft voor organisator ${organizerId} het recht ${TICKET_SALES_SEARCH_PERMISSION} (ticketsales zoeken) niet. De kassa kan verkopen, maar een registratie waarvan het antwoord van UiTPAS verloren ging, kan niet opgehelderd worden, en de reconciliatie kan onze verkopen niet vergelijken met die van UiTPAS. Vraag de servicedesk van publiq om ${TICKET_SALES_SEARCH_PERMISSION} voor deze organisator toe te kennen: publiq geeft dat recht alleen op aanvraag.`,
      en: `Our UiTPAS client lacks ${TICKET_SALES_SEARCH_PERMISSION} (search ticket sales) for organizer ${organizerId}. The till can sell, but a registration whose answer from UiTPAS was lost cannot be settled, and the reconciliation cannot compare our sales with UiTPAS's. Ask publiq's servicedesk to grant ${TICKET_SALES_SEARCH_PERMISSION} for this organizer: publiq grants it only on request.`,
    },
    'warning',
  );
}

function knownToUitpasItem(facts: ReadinessFacts): ReadinessItem {
  if (!facts.event.uitdatabankId) return blockedBy('uitpas-knows-event', 'uitdatabank-id');
  const cardSystems = facts.cardSystems;
  if (cardSystems === UNAVAILABLE) return unreachable('uitpas-knows-event', 'uitpas');
  if (cardSystems === null) {
    return fail('uitpas-knows-event', 'UiTPAS does not know the event', {
      nl: 'UiTPAS kent het evenement (nog) niet. Vlak na het aanmaken of publiceren in UiTdatabank kan dat enkele seconden duren: controleer het zo opnieuw. Blijft het zo, zorg dan dat het evenement gepubliceerd is en een UiTPAS-organisator heeft (de punten hierboven).',
      en: 'UiTPAS does not know the event (yet). Right after it is created or published in UiTdatabank this can lag a few seconds: check again shortly. If it stays so, make sure the event is published and has an UiTPAS organizer (the items above).',
    });
  }
  const observed = {
    cardSystems: cardSystems.map(({ id, name, enabled }) => ({ id, name: name ?? null, enabled })),
  };
  if (cardSystems.some((cardSystem) => cardSystem.enabled)) return pass('uitpas-knows-event', observed);
  return fail('uitpas-knows-event', observed, {
    nl: 'UiTPAS kent het evenement, maar geen enkel kaartsysteem is ervoor ingeschakeld, dus het is geen UiTPAS-evenement meer. Vraag de servicedesk om de kaartsystemen voor dit evenement weer in te schakelen.',
    en: 'UiTPAS knows the event, but no card system is enabled for it, so it is no longer an UiTPAS event. Ask the servicedesk to enable the card systems for this event again.',
  });
}

/**
 * The organizer UiTPAS checks at the till is the UiTdatabank event's; when that is unknown, the one we resolved.
 * Nothing when the permissions are unknown: the basket must not refuse on a guess.
 */
function organizerPermission(
  facts: ReadinessFacts,
  resolution: OrganizerResolution,
  checkedAt: string,
): OrganizerPermissionSnapshot | undefined {
  if (facts.permissions === UNAVAILABLE) return undefined;
  const fromUitdatabank =
    facts.event.uitdatabankId && facts.uitdatabankEvent && facts.uitdatabankEvent !== UNAVAILABLE
      ? facts.uitdatabankEvent.organizerId
      : null;
  const organizerId = fromUitdatabank ?? (resolution.ok ? resolution.organizerId : undefined);
  if (organizerId === undefined) return undefined;
  const held = permissionsFor(organizerId, facts.permissions);
  const permitted = held !== undefined && missingPermissions(held).length === 0;
  // What the till needs to refuse an event none of whose card systems our permission covers (lib/domain/tariffs.ts).
  const limits = permitted ? requiredCardSystemLimits(organizerId, facts.permissions) : undefined;
  const known = limits ? knownCardSystems(facts) : undefined;
  const cardSystems = limits && known && typeof known !== 'string' ? coverageOf(limits, known) : undefined;
  return { organizerId, permitted, ...(cardSystems ? { cardSystems } : {}), checkedAt };
}

export function evaluateReadiness(facts: ReadinessFacts): ReadinessReport {
  const { event } = facts;
  const resolution = resolveOrganizer(event, facts.organisation, facts.promotor);
  const input = uitdatabankInput(facts);
  const items: ReadinessItem[] = [
    uitdatabankIdItem(event),
    labelItem(event),
    standardTicketTypeItem(event),
    uitdatabankEventItem(facts),
    basePriceItem(facts, input),
    organizerMatchItem(facts, resolution, input),
    permissionItem(facts, resolution),
    knownToUitpasItem(facts),
    ticketSalesSearchItem(facts, resolution),
  ];
  const checkedAt = facts.now.toISOString();
  const permission = organizerPermission(facts, resolution, checkedAt);
  const match = !resolution.ok
    ? 'unresolved'
    : 'id' in input
      ? matchOrganizer(resolution, input.organizerId)
      : undefined;
  const organizer = match && event.uitdatabankId ? { uitdatabankId: event.uitdatabankId, match } : undefined;
  return {
    eventId: event.eventId,
    ready: items.every((item) => item.ok || item.severity !== 'error'),
    checkedAt,
    items,
    ...(permission ? { organizerPermission: permission } : {}),
    ...(organizer ? { organizer } : {}),
  };
}
