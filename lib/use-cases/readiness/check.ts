/**
 * The administrators' readiness reports: one event, or every UiTPAS-labelled event of an organisation (the daily
 * check). A key only sees events of the organisations it may act for; any other event is "not found".
 */
import { mayActFor, type Principal } from '../../domain/access.js';
import type { Organisation, Promotor, TicketingEvent } from '../../domain/mappings.js';
import { notFound, organisationNotAllowed, UITPAS_LABEL } from '../../domain/mappings.js';
import type { ReadinessReport } from '../../domain/readiness.js';
import { assessEvent, type ReadinessDeps } from './assess.js';

/** Events checked at once in an organisation report: each check makes two or three upstream calls. */
export const ORGANISATION_CONCURRENCY = 4;
const PAGE_SIZE = 100;

export interface OrganisationReadinessReport {
  organisationId: string;
  checkedAt: string;
  summary: { total: number; ready: number; notReady: number };
  events: ReadinessReport[];
}

export async function checkEventReadiness(
  eventId: string,
  principal: Principal,
  deps: ReadinessDeps,
): Promise<ReadinessReport> {
  const event = await deps.mappings.getEvent(eventId);
  if (!event || !mayActFor(principal, event.organisationId)) throw notFound('event', eventId);
  return assessEvent(event, deps);
}

export async function checkOrganisationReadiness(
  organisationId: string,
  principal: Principal,
  deps: ReadinessDeps,
): Promise<OrganisationReadinessReport> {
  if (!mayActFor(principal, organisationId)) throw organisationNotAllowed(organisationId);
  const organisation = await deps.mappings.getOrganisation(organisationId);
  if (!organisation) throw notFound('organisation', organisationId);
  const checkedAt = (deps.now?.() ?? new Date()).toISOString();

  const events: TicketingEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.mappings.listMappingEvents({
      organisationIds: [organisationId],
      label: UITPAS_LABEL,
      limit: PAGE_SIZE,
      cursor,
    });
    events.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);

  // Every event of the organisation reads the same organisation, and often the same promotors: read each once.
  const shared: ReadinessDeps = {
    ...deps,
    mappings: { ...deps.mappings, ...memoisedLookups(deps, organisation) },
  };
  const reports = await mapWithConcurrency(events, ORGANISATION_CONCURRENCY, (event) =>
    assessEvent(event, shared),
  );
  const ready = reports.filter((report) => report.ready).length;
  return {
    organisationId,
    checkedAt,
    summary: { total: reports.length, ready, notReady: reports.length - ready },
    events: reports,
  };
}

function memoisedLookups(deps: ReadinessDeps, organisation: Organisation) {
  const organisations = new Map<string, Promise<Organisation | undefined>>([
    [organisation.organisationId, Promise.resolve(organisation)],
  ]);
  const promotors = new Map<string, Promise<Promotor | undefined>>();
  return {
    getOrganisation(id: string): Promise<Organisation | undefined> {
      let found = organisations.get(id);
      if (!found) {
        found = deps.mappings.getOrganisation(id);
        organisations.set(id, found);
      }
      return found;
    },
    getPromotor(id: string): Promise<Promotor | undefined> {
      let found = promotors.get(id);
      if (!found) {
        found = deps.mappings.getPromotor(id);
        promotors.set(id, found);
      }
      return found;
    },
  };
}

/** `work` over every item, at most `limit` at a time; results in the order of `items`. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
