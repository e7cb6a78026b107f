/**
 * The fixed demo data of the local stack, so the README's examples work as written: two API keys, the organisation
 * `demo-org` mapped to the UiTPAS test organizer, and three UiTPAS events mapped to the three public test events (the
 * one of an organizer our UiTPAS client has no permissions for through the promotor `demo-guest`, whose organizer it is).
 * Only the local stack ever creates these keys.
 */

import {
  LIMITED_EVENT_ID,
  NO_PERMISSION_EVENT_ID,
  OTHER_UITPAS_ORGANIZER_ID,
  TEST_EVENT_ID,
  TEST_ORGANIZER_ID,
  TEST_PLACE_ID,
} from '@uitpas-ticketing/sandbox';
import { createApiKeyRepository } from '../lib/adapters/dynamodb/api-keys.js';
import { createMappingRepository } from '../lib/adapters/dynamodb/mappings.js';
import type { Table } from '../lib/adapters/dynamodb/table.js';
import type { Role } from '../lib/domain/access.js';
import { hashApiKey } from '../lib/domain/api-key.js';
import type { TicketingEvent } from '../lib/domain/mappings.js';
import { LOCAL_API_KEY_ADMIN, LOCAL_API_KEY_BASKET } from './settings.js';

export const DEMO_ORGANISATION_ID = 'demo-org';
/** A visiting company of `demo-org`, with its own UiTdatabank organizer: that of the "no permission" test event. */
export const DEMO_PROMOTOR_ID = 'demo-guest';
/** Labelled uitDB, with no UiTdatabank id yet: `npm run sync` creates it in UiTdatabank and stores the id. */
export const DEMO_EVENT_TO_SYNC = 'demo-new-concert';
export const DEMO_EVENTS = {
  festival: { eventId: 'demo-festival', uitdatabankId: TEST_EVENT_ID, name: 'Demo festival' },
  limited: { eventId: 'demo-limited', uitdatabankId: LIMITED_EVENT_ID, name: 'Demo: beperkte aankoop' },
  noPermission: {
    eventId: 'demo-no-permission',
    uitdatabankId: NO_PERMISSION_EVENT_ID,
    name: 'Demo: geen permissie',
    promotorId: DEMO_PROMOTOR_ID,
  },
} as const;
/** A concert type term of UiTdatabank, for the sync. */
const CONCERT_TERM_ID = '0.50.4.0.0';

export interface SeedOptions {
  basketKey?: string;
  adminKey?: string;
  now?: Date;
}

export async function seedDemoData(table: Table, options: SeedOptions = {}): Promise<void> {
  const at = (options.now ?? new Date()).toISOString();
  const meta = { createdAt: at, updatedAt: at, updatedBy: 'local-seed', version: 1 };
  const keys = createApiKeyRepository(table);
  const mappings = createMappingRepository(table);

  const apiKeys: [string, Role][] = [
    [options.basketKey ?? LOCAL_API_KEY_BASKET, 'basket'],
    [options.adminKey ?? LOCAL_API_KEY_ADMIN, 'admin'],
  ];
  for (const [key, role] of apiKeys) {
    await keys.claimClientName(`local-${role}`, { sameClient: true, at });
    await keys.put({
      hash: hashApiKey(key),
      clientName: `local-${role}`,
      role,
      organisations: [DEMO_ORGANISATION_ID],
      createdAt: at,
    });
  }

  await mappings.putOrganisation(
    {
      organisationId: DEMO_ORGANISATION_ID,
      name: 'Demo cultuurcentrum',
      uitdatabankOrganizerId: TEST_ORGANIZER_ID,
      defaultPlaceId: TEST_PLACE_ID,
      ...meta,
    },
    undefined,
  );
  await mappings.putPromotor(
    {
      promotorId: DEMO_PROMOTOR_ID,
      organisationId: DEMO_ORGANISATION_ID,
      name: 'Demo gezelschap op bezoek',
      uitdatabankOrganizerId: OTHER_UITPAS_ORGANIZER_ID,
      ...meta,
    },
    undefined,
  );
  const start = new Date(Date.now() + 30 * 24 * 3600 * 1000);
  start.setUTCHours(19, 0, 0, 0);
  for (const demo of Object.values(DEMO_EVENTS)) {
    const event: TicketingEvent = {
      eventId: demo.eventId,
      organisationId: DEMO_ORGANISATION_ID,
      ...('promotorId' in demo ? { promotorId: demo.promotorId } : {}),
      name: demo.name,
      startDate: start.toISOString(),
      labels: ['UiTPAS'],
      placeId: TEST_PLACE_ID,
      eventTypeId: CONCERT_TERM_ID,
      ticketTypes: [
        { id: 'base', name: 'Basistarief', price: 10, standard: true },
        { id: 'reduced', name: 'Reductie -26', price: 8, standard: false },
      ],
      hint: 'Kies eerst een ticket aan basistarief en geef daarna je UiTPAS-nummer in.',
      uitdatabankId: demo.uitdatabankId,
      uitdatabankIdSource: 'manual',
      ...meta,
    };
    await mappings.putEvent(event, undefined);
  }
  await mappings.putEvent(
    {
      eventId: DEMO_EVENT_TO_SYNC,
      organisationId: DEMO_ORGANISATION_ID,
      name: 'Demo: nieuw concert',
      startDate: start.toISOString(),
      endDate: new Date(start.getTime() + 2 * 3600 * 1000).toISOString(),
      labels: ['UiTPAS', 'uitDB'],
      eventTypeId: CONCERT_TERM_ID,
      ticketTypes: [{ id: 'base', name: 'Basistarief', price: 15, standard: true }],
      ...meta,
    },
    undefined,
  );
}
