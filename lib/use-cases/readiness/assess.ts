/**
 * Gathers the facts of the readiness checklist for one event, live, judges them (lib/domain/readiness.ts) and keeps
 * the verdict on the event for the basket. No principal here: the admin API scopes before calling, and the
 * UiTdatabank sync (which has already read the UiTdatabank event) calls `assessEvent` directly.
 *
 * An upstream that gives no usable answer becomes `unavailable` for the items that need it: the report then says
 * "unreachable" and is not ready, it never fails as a whole. Anything else (DynamoDB, a bug) is thrown.
 */

import { UpstreamProblem, UpstreamUnavailable } from '../../domain/errors.js';
import type { TicketingEvent } from '../../domain/mappings.js';
import {
  type CardSystemFacts,
  evaluateReadiness,
  type PermittedOrganizer,
  type ReadinessReport,
  type UitdatabankEventFacts,
  UNAVAILABLE,
  type Unavailable,
} from '../../domain/readiness.js';
import { toSnapshot } from '../../domain/readiness-snapshot.js';
import { idFromUri, organizerIdOf } from '../../domain/uitdatabank-ids.js';
import { logger } from '../../logger.js';
import type {
  ReadinessMappings,
  ReadinessSnapshots,
  UitdatabankEventDocument,
  UitdatabankEvents,
  UitpasCardSystems,
  UitpasPermissions,
} from './ports.js';

export interface ReadinessDeps {
  mappings: ReadinessMappings;
  snapshots: ReadinessSnapshots;
  /** The Entry client. */
  uitdatabank: UitdatabankEvents;
  /** The UiTPAS client. */
  uitpas: UitpasCardSystems;
  permissions: UitpasPermissions;
  now?: () => Date;
}

/** What a caller may have read already; `null` means it got a 404. */
export interface Prefetched {
  uitdatabankEvent?: UitdatabankEventDocument | null;
  /** What the checklist reads of the UiTdatabank event, when the caller knows it without a document (its own POST). */
  uitdatabankEventFacts?: UitdatabankEventFacts;
  cardSystems?: readonly CardSystemFacts[] | null;
}

/** The part of the JSON-LD the checklist reads. */
export function toUitdatabankEventFacts(event: UitdatabankEventDocument): UitdatabankEventFacts {
  return {
    id: idFromUri(event['@id'], 'event') ?? event['@id'],
    workflowStatus: event.workflowStatus,
    basePrice: event.priceInfo?.find((price) => price.category === 'base')?.price,
    organizerId: organizerIdOf(event),
  };
}

/** Runs an upstream call; no usable answer (timeout, 5xx, a refusal) becomes `unavailable`, and is logged. */
async function upstream<T>(what: string, call: () => Promise<T>): Promise<T | Unavailable> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof UpstreamUnavailable || error instanceof UpstreamProblem) {
      logger.warn('Readiness fact unavailable', { fact: what, error });
      return UNAVAILABLE;
    }
    throw error;
  }
}

/**
 * The report for one event (already read, and already scoped by the caller), stored on the event for the basket.
 * Reads the organisation and promotor, and (unless prefetched) the UiTdatabank event, the UiTPAS card systems and the
 * cached permissions, all at once. A snapshot that cannot be stored is logged: the report is still the answer.
 */
export async function assessEvent(
  event: TicketingEvent,
  deps: ReadinessDeps,
  prefetched: Prefetched = {},
): Promise<ReadinessReport> {
  const uitdatabankId = event.uitdatabankId;
  const [organisation, promotor, uitdatabankEvent, cardSystems, permissions] = await Promise.all([
    deps.mappings.getOrganisation(event.organisationId),
    event.promotorId === undefined ? undefined : deps.mappings.getPromotor(event.promotorId),
    uitdatabankFacts(uitdatabankId, deps, prefetched),
    cardSystemFacts(uitdatabankId, deps, prefetched),
    upstream<readonly PermittedOrganizer[]>(
      'permissions',
      async () => (await deps.permissions.getPermissions()).organizers,
    ),
  ]);
  const report = evaluateReadiness({
    event,
    organisation,
    promotor,
    uitdatabankEvent,
    permissions,
    cardSystems,
    now: deps.now?.() ?? new Date(),
  });
  try {
    const { stored } = await deps.snapshots.storeSnapshot(event.eventId, toSnapshot(report, event.version));
    if (!stored)
      logger.info('Readiness snapshot not stored: the event changed meanwhile', { eventId: event.eventId });
  } catch (error) {
    logger.error('Readiness snapshot not stored', { eventId: event.eventId, error: error as Error });
  }
  return report;
}

async function uitdatabankFacts(
  uitdatabankId: string | undefined,
  deps: ReadinessDeps,
  prefetched: Prefetched,
): Promise<UitdatabankEventFacts | null | Unavailable> {
  if (uitdatabankId === undefined) return null;
  if (prefetched.uitdatabankEventFacts) return prefetched.uitdatabankEventFacts;
  const found =
    prefetched.uitdatabankEvent !== undefined
      ? prefetched.uitdatabankEvent
      : await upstream('uitdatabank-event', () => deps.uitdatabank.getEvent(uitdatabankId));
  if (found === UNAVAILABLE || found === null) return found;
  return toUitdatabankEventFacts(found);
}

async function cardSystemFacts(
  uitdatabankId: string | undefined,
  deps: ReadinessDeps,
  prefetched: Prefetched,
): Promise<readonly CardSystemFacts[] | null | Unavailable> {
  if (uitdatabankId === undefined) return null;
  if (prefetched.cardSystems !== undefined) return prefetched.cardSystems;
  return upstream('card-systems', () => deps.uitpas.getEventCardSystems(uitdatabankId));
}
