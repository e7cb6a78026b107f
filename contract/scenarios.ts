/**
 * What this project relies on publiq to answer, as one list of scenarios over publiq's public test dataset. The same
 * list runs against the sandbox in `npm test` (contract/sandbox.int.test.ts) and against publiq's real test
 * environment in `npm run test:publiq` (contract/publiq.live.test.ts), through the project's own clients and schemas:
 * if the sandbox and publiq ever answer differently, one of the two runs fails.
 *
 * Only the public dataset is used (the test organizer, its three events, the passholders of the dataset table), never
 * what the sandbox adds for its own tests. Where the brief says publiq's answer is a guess ("probably"), the scenario
 * says so in its name.
 */
import {
  CHIPS,
  LIMITED_EVENT_ID,
  NO_PERMISSION_EVENT_ID,
  PASSES,
  TEST_EVENT_ID,
  TEST_ORGANIZER_ID,
  UNKNOWN_UITPAS_NUMBER,
} from '@uitpas-ticketing/sandbox';
import { expect } from 'vitest';
import type { EntryClient, SearchClient } from '../lib/adapters/uitdatabank/client.js';
import type { UitpasClient } from '../lib/adapters/uitpas/client.js';
import type { TicketSaleRequest } from '../lib/adapters/uitpas/schemas.js';
import { UpstreamProblem } from '../lib/domain/errors.js';
import { organizerIdOf, sameUitdatabankId } from '../lib/domain/uitdatabank-ids.js';

export interface ContractClients {
  uitpas: UitpasClient;
  entry: EntryClient;
  search: SearchClient;
}

export interface ScenarioContext extends ContractClients {
  /** Ticket sales this scenario registered; the runner cancels whatever is still there when it ends. */
  registered: Set<string>;
}

export interface Scenario {
  name: string;
  run(ctx: ScenarioContext): Promise<void>;
}

/** The passholder of the dataset with an active social tariff in Gent, and what else identifies them. */
const HOLDER = { uitpasNumber: PASSES.socialTariff, chip: CHIPS.socialTariff, insz: '36051380284' };
/** The child of a family account (brief §10). */
const CHILD_INSZ = '20010170215';

const sale = (overrides: Partial<TicketSaleRequest> = {}): TicketSaleRequest => ({
  regularPrice: 10,
  regularPriceLabel: 'Basistarief',
  tariff: { id: 'SOCIALTARIFF' },
  eventId: TEST_EVENT_ID,
  uitpasNumber: HOLDER.uitpasNumber,
  ...overrides,
});

/** The publiq problem a call ends in; anything else fails the scenario. */
async function refusal(promise: Promise<unknown>): Promise<UpstreamProblem> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (outcome instanceof UpstreamProblem) return outcome;
  throw new Error(`expected a publiq problem, got ${outcome === undefined ? 'a success' : String(outcome)}`);
}

async function register(ctx: ScenarioContext, sales: TicketSaleRequest[]) {
  const registered = await ctx.uitpas.registerTicketSales(sales);
  for (const { id } of registered) ctx.registered.add(id);
  return registered;
}

async function cancel(ctx: ScenarioContext, id: string) {
  await ctx.uitpas.cancelTicketSale(id);
  ctx.registered.delete(id);
}

/**
 * Whether our client may search ticket sales of the test organizer: publiq gives it only on request. Without it a
 * scenario leaves its search checks out, and says so on the console, so a run never looks more complete than it was.
 */
async function maySearchSales(ctx: ScenarioContext, scenario: string): Promise<boolean> {
  const entries = await ctx.uitpas.getPermissions();
  const may = entries.some(
    (entry) =>
      sameUitdatabankId(entry.organizer.id, TEST_ORGANIZER_ID) &&
      (entry.permissionDetails ?? []).some((detail) => detail.id === 'TICKETSALES_SEARCH'),
  );
  if (!may)
    console.info(
      `${scenario}: no TICKETSALES_SEARCH for the test organizer, so the search check is left out`,
    );
  return may;
}

async function salesAtFestival(ctx: ScenarioContext): Promise<string[]> {
  const page = await ctx.uitpas.searchTicketSales({ eventId: TEST_EVENT_ID, limit: 500 });
  return page.member.map((found) => found.id);
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'the permissions list the test organizer with TARIFFS_READ and TICKETSALES_REGISTER',
    async run(ctx) {
      const entries = await ctx.uitpas.getPermissions();
      const direct = entries.filter((entry) => sameUitdatabankId(entry.organizer.id, TEST_ORGANIZER_ID));
      const linked = entries.flatMap((entry) =>
        (entry.linkedOrganizers ?? []).filter((link) =>
          sameUitdatabankId(link.organizer.id, TEST_ORGANIZER_ID),
        ),
      );
      const granted = [...direct, ...linked].flatMap((entry) =>
        (entry.permissionDetails ?? []).map((d) => d.id),
      );
      expect(granted).toEqual(expect.arrayContaining(['TARIFFS_READ', 'TICKETSALES_REGISTER']));
    },
  },
  {
    name: 'a pass by its UiTPAS number: an individual pass with an active social tariff',
    async run(ctx) {
      const pass = await ctx.uitpas.getPass(HOLDER.uitpasNumber);
      expect(pass).toMatchObject({ uitpasNumber: HOLDER.uitpasNumber, passType: 'INDIVIDUAL' });
      expect(pass.socialTariff.status).toBe('ACTIVE');
    },
  },
  {
    name: 'the same pass by its chip number and by its INSZ',
    async run(ctx) {
      expect((await ctx.uitpas.getPass(HOLDER.chip)).uitpasNumber).toBe(HOLDER.uitpasNumber);
      expect((await ctx.uitpas.getPass(HOLDER.insz)).uitpasNumber).toBe(HOLDER.uitpasNumber);
    },
  },
  {
    name: 'the child of a family account by INSZ',
    async run(ctx) {
      const pass = await ctx.uitpas.getPass(CHILD_INSZ);
      expect(pass.passType).toBe('INDIVIDUAL');
      expect(pass.uitpasNumber).toMatch(/^\d{13}$/);
    },
  },
  {
    name: 'an expired social tariff is a 200 with status EXPIRED',
    async run(ctx) {
      const pass = await ctx.uitpas.getPass(PASSES.socialTariffExpired);
      expect(pass.socialTariff.status).toBe('EXPIRED');
    },
  },
  {
    name: 'a blocked card is refused with invalid-card-status and its card status',
    async run(ctx) {
      const problem = await refusal(ctx.uitpas.getPass(PASSES.blocked));
      expect(problem.is('invalid-card-status')).toBe(true);
      expect(problem.cardStatus).toBe('BLOCKED');
    },
  },
  {
    name: 'an unknown UiTPAS number is pass-not-found',
    async run(ctx) {
      const problem = await refusal(ctx.uitpas.getPass(UNKNOWN_UITPAS_NUMBER));
      expect(problem.is('pass-not-found')).toBe(true);
    },
  },
  {
    name: 'a group pass says so',
    async run(ctx) {
      expect((await ctx.uitpas.getPass(PASSES.groupSocialTariff)).passType).toBe('GROUP');
    },
  },
  {
    name: 'the festival offers the social tariff below the regular price',
    async run(ctx) {
      const tariffs = await ctx.uitpas.getTariffs({
        eventId: TEST_EVENT_ID,
        uitpasNumber: HOLDER.uitpasNumber,
        regularPrice: 10,
      });
      const social = tariffs.available.find((tariff) => tariff.type === 'SOCIALTARIFF');
      expect(social?.remaining).toBeGreaterThanOrEqual(1);
      expect(social?.price).toBeLessThan(10);
    },
  },
  {
    name: 'a pass without social tariff gets none, with a message for the buyer',
    async run(ctx) {
      const tariffs = await ctx.uitpas.getTariffs({
        eventId: TEST_EVENT_ID,
        uitpasNumber: PASSES.noSocialTariff,
        regularPrice: 10,
        type: 'SOCIALTARIFF',
      });
      expect(tariffs.available).toEqual([]);
      expect(tariffs.endUserMessage?.nl).toBeTruthy();
    },
  },
  {
    name: 'the static tariff of the festival is a social tariff',
    async run(ctx) {
      const tariffs = await ctx.uitpas.getStaticTariffs({ eventId: TEST_EVENT_ID, regularPrice: 10 });
      expect(tariffs.available.map((tariff) => tariff.type)).toContain('SOCIALTARIFF');
    },
  },
  {
    name: 'the event without permission is refused with auth/forbidden (brief §9.4: probably)',
    async run(ctx) {
      const problem = await refusal(
        ctx.uitpas.getTariffs({
          eventId: NO_PERMISSION_EVENT_ID,
          uitpasNumber: HOLDER.uitpasNumber,
          regularPrice: 10,
        }),
      );
      expect(problem.shortType).toBe('auth/forbidden');
    },
  },
  {
    name: 'the festival has an enabled card system',
    async run(ctx) {
      const cardSystems = await ctx.uitpas.getEventCardSystems(TEST_EVENT_ID);
      expect(cardSystems?.some((cardSystem) => cardSystem.enabled)).toBe(true);
    },
  },
  {
    name: 'a sale is registered with an id and cancelled once; a second cancel is ticket-sale-not-found',
    async run(ctx) {
      const [registered] = await register(ctx, [sale()]);
      expect(registered?.id).toBeTruthy();
      expect(registered?.tariff.id).toBe('SOCIALTARIFF');
      const id = registered?.id ?? '';
      if (await maySearchSales(ctx, 'register and cancel')) expect(await salesAtFestival(ctx)).toContain(id);
      await cancel(ctx, id);
      const again = await refusal(ctx.uitpas.cancelTicketSale(id));
      expect(again.is('ticket-sale-not-found')).toBe(true);
    },
  },
  {
    name: 'the 1-a-week event refuses a second sale with maximum-reached, pointing at the sale if at all',
    async run(ctx) {
      const first = await register(ctx, [sale({ eventId: LIMITED_EVENT_ID })]).catch(
        (error: unknown) => error,
      );
      // A sale of an earlier run this week may still count; then the first is already the refused one.
      const problem =
        first instanceof UpstreamProblem
          ? first
          : await refusal(ctx.uitpas.registerTicketSales([sale({ eventId: LIMITED_EVENT_ID })]));
      expect(problem.is('maximum-reached')).toBe(true);
      for (const pointer of problem.schemaErrors.map((error) => error.jsonPointer))
        expect(pointer).toMatch(/^\/0/);
      expect(problem.detail ?? '').not.toMatch(/^Ticket sale \//);
    },
  },
  {
    name: 'a request with one bad sale registers none of them',
    async run(ctx) {
      const before = (await maySearchSales(ctx, 'all or nothing')) ? await salesAtFestival(ctx) : undefined;
      const problem = await refusal(
        ctx.uitpas.registerTicketSales([sale(), sale({ uitpasNumber: UNKNOWN_UITPAS_NUMBER })]),
      );
      expect(problem.is('passholder-not-found')).toBe(true);
      if (before) expect((await salesAtFestival(ctx)).sort()).toEqual(before.sort());
    },
  },
  {
    name: 'UiTdatabank Entry: the festival belongs to the test organizer',
    async run(ctx) {
      const event = await ctx.entry.getEvent(TEST_EVENT_ID);
      expect(event).not.toBeNull();
      expect(sameUitdatabankId(organizerIdOf(event ?? {}) ?? '', TEST_ORGANIZER_ID)).toBe(true);
    },
  },
  {
    name: 'UiTdatabank Search finds the festival, asked with our client id',
    async run(ctx) {
      const page = await ctx.search.searchEvents({ id: TEST_EVENT_ID, disableDefaultFilters: true });
      expect(page.member.map((member) => member['@id'].split('/').at(-1)?.toLowerCase())).toContain(
        TEST_EVENT_ID,
      );
    },
  },
];

/** Cancels what a scenario left registered; a sale already gone is fine. */
export async function cleanUp(ctx: ScenarioContext): Promise<void> {
  for (const id of [...ctx.registered]) {
    await ctx.uitpas.cancelTicketSale(id).catch((error: unknown) => {
      if (!(error instanceof UpstreamProblem && error.is('ticket-sale-not-found'))) throw error;
    });
    ctx.registered.delete(id);
  }
}
