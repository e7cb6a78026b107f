/** Normalising `GET /permissions` with card-system limits; the cache itself is tested against dynalite. */
import { describe, expect, it } from 'vitest';
import type { OrganizerPermissions } from '../uitpas/schemas.js';
import { normalisePermissions } from './permissions.js';

const ORGANIZER = '0ce87cbc-9299-4528-8d35-92225dc9489f';
const OTHER = '53391b0a-5468-4fdf-9194-0e0bb35eec9a';

const byId = (response: OrganizerPermissions[], id: string) =>
  normalisePermissions(response).find((entry) => entry.organizerId === id);

describe('normalising card-system limits of GET /permissions', () => {
  it('keeps the card systems a permission is limited to', () => {
    expect(
      normalisePermissions([
        {
          organizer: { id: ORGANIZER, name: 'Test' },
          permissionDetails: [
            { id: 'TICKETSALES_REGISTER', cardSystemIds: [2, 1] },
            { id: 'TARIFFS_READ', cardSystemIds: [1] },
          ],
        },
      ]),
    ).toEqual([
      {
        organizerId: ORGANIZER,
        name: 'Test',
        permissions: ['TARIFFS_READ', 'TICKETSALES_REGISTER'],
        cardSystemLimits: { TARIFFS_READ: [1], TICKETSALES_REGISTER: [1, 2] },
      },
    ]);
  });

  it('reads an absent or empty cardSystemIds as not limited, and leaves the field out when nothing is', () => {
    expect(
      byId(
        [
          {
            organizer: { id: ORGANIZER, name: 'Test' },
            permissionDetails: [{ id: 'TARIFFS_READ' }, { id: 'TICKETSALES_REGISTER', cardSystemIds: [] }],
          },
        ],
        ORGANIZER,
      ),
    ).toEqual({
      organizerId: ORGANIZER,
      name: 'Test',
      permissions: ['TARIFFS_READ', 'TICKETSALES_REGISTER'],
    });
  });

  it('limits only the permissions that are limited', () => {
    expect(
      byId(
        [
          {
            organizer: { id: ORGANIZER },
            permissionDetails: [{ id: 'TARIFFS_READ', cardSystemIds: [3] }, { id: 'TICKETSALES_REGISTER' }],
          },
        ],
        ORGANIZER,
      )?.cardSystemLimits,
    ).toEqual({ TARIFFS_READ: [3] });
  });

  it('does not let the deprecated permissions[] lift the limit of the same listing’s permissionDetails', () => {
    const entry = byId(
      [
        {
          organizer: { id: ORGANIZER },
          permissions: ['TARIFFS_READ', 'PASSES_READ'],
          permissionDetails: [{ id: 'TARIFFS_READ', cardSystemIds: [1] }],
        },
      ],
      ORGANIZER,
    );
    expect(entry?.permissions).toEqual(['PASSES_READ', 'TARIFFS_READ']);
    // PASSES_READ is only in the deprecated list: no card systems given, so not limited.
    expect(entry?.cardSystemLimits).toEqual({ TARIFFS_READ: [1] });
  });

  it('unites an organizer listed directly and as a linked organizer: limits add up', () => {
    const entry = byId(
      [
        {
          organizer: { id: ORGANIZER },
          permissionDetails: [{ id: 'TARIFFS_READ', cardSystemIds: [1] }],
          linkedOrganizers: [
            { organizer: { id: OTHER }, permissionDetails: [{ id: 'TARIFFS_READ', cardSystemIds: [9] }] },
          ],
        },
        {
          organizer: { id: OTHER },
          linkedOrganizers: [
            {
              organizer: { id: ORGANIZER.toUpperCase() },
              permissionDetails: [{ id: 'TARIFFS_READ', cardSystemIds: [2, 1] }],
            },
          ],
        },
      ],
      ORGANIZER,
    );
    expect(entry?.cardSystemLimits).toEqual({ TARIFFS_READ: [1, 2] });
  });

  it.each([
    ['directly unlimited, linked limited', [undefined, [1]]],
    ['directly limited, linked unlimited', [[1], undefined]],
    ['directly limited, linked with an empty list', [[1], []]],
  ] as const)('lets an unlimited grant win over a limited one (%s)', (_name, [direct, linked]) => {
    const detail = (cardSystemIds: readonly number[] | undefined) => ({
      id: 'TICKETSALES_REGISTER',
      ...(cardSystemIds ? { cardSystemIds: [...cardSystemIds] } : {}),
    });
    const entry = byId(
      [
        {
          organizer: { id: ORGANIZER },
          permissionDetails: [detail(direct)],
        },
        {
          organizer: { id: OTHER },
          linkedOrganizers: [{ organizer: { id: ORGANIZER }, permissionDetails: [detail(linked)] }],
        },
      ],
      ORGANIZER,
    );
    expect(entry?.permissions).toEqual(['TICKETSALES_REGISTER']);
    expect(entry?.cardSystemLimits).toBeUndefined();
  });
});
