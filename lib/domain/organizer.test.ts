import { describe, expect, it } from 'vitest';
import { matchOrganizer, resolveOrganizer } from './organizer.js';

const ORGANISATION_ID = 'org-ccgent';
const ORG_ORGANIZER = '0ce87cbc-9299-4528-8d35-92225dc9489f';
const PROMOTOR_ORGANIZER = 'D04BE067-FBE7-6633-2351893716796CB5';

const organisation = (uitdatabankOrganizerId?: string) => ({
  organisationId: ORGANISATION_ID,
  uitdatabankOrganizerId,
});
const promotor = (uitdatabankOrganizerId?: string) => ({ promotorId: 'promo-1', uitdatabankOrganizerId });

describe('organizer resolution', () => {
  it('takes the promotor’s UiTdatabank id when the event has a promotor with one', () => {
    const result = resolveOrganizer(
      { organisationId: ORGANISATION_ID, promotorId: 'promo-1' },
      organisation(ORG_ORGANIZER),
      promotor(PROMOTOR_ORGANIZER),
    );
    expect(result).toEqual({ ok: true, organizerId: PROMOTOR_ORGANIZER, source: 'promotor' });
  });

  it('falls back to the organisation when the promotor has no UiTdatabank id', () => {
    const result = resolveOrganizer(
      { organisationId: ORGANISATION_ID, promotorId: 'promo-1' },
      organisation(ORG_ORGANIZER),
      promotor(undefined),
    );
    expect(result).toEqual({ ok: true, organizerId: ORG_ORGANIZER, source: 'organisation' });
  });

  it('takes the organisation’s id for an event without a promotor', () => {
    const result = resolveOrganizer(
      { organisationId: ORGANISATION_ID },
      organisation(ORG_ORGANIZER),
      undefined,
    );
    expect(result).toEqual({ ok: true, organizerId: ORG_ORGANIZER, source: 'organisation' });
  });

  it('names the organisation to fix when it has no UiTdatabank id and there is no promotor', () => {
    const result = resolveOrganizer({ organisationId: ORGANISATION_ID }, organisation(undefined), undefined);
    expect(result).toMatchObject({
      ok: false,
      reason: { code: 'organisation-without-uitdatabank-id', organisationId: ORGANISATION_ID },
    });
    if (result.ok) throw new Error('expected no organizer');
    expect(result.reason.fix.en).toContain(ORGANISATION_ID);
    expect(result.reason.fix.nl).toContain(ORGANISATION_ID);
    expect(result.reason).not.toHaveProperty('promotorId');
  });

  it('names both the promotor and the organisation when neither has an UiTdatabank id', () => {
    const result = resolveOrganizer(
      { organisationId: ORGANISATION_ID, promotorId: 'promo-1' },
      organisation(undefined),
      promotor(undefined),
    );
    expect(result).toMatchObject({
      ok: false,
      reason: {
        code: 'promotor-and-organisation-without-uitdatabank-id',
        organisationId: ORGANISATION_ID,
        promotorId: 'promo-1',
      },
    });
    if (result.ok) throw new Error('expected no organizer');
    expect(result.reason.fix.en).toMatch(/promo-1.*org-ccgent/);
  });

  it('refuses to guess when the event names a promotor that is not known', () => {
    const result = resolveOrganizer(
      { organisationId: ORGANISATION_ID, promotorId: 'promo-gone' },
      organisation(ORG_ORGANIZER),
      undefined,
    );
    expect(result).toMatchObject({
      ok: false,
      reason: { code: 'promotor-unknown', promotorId: 'promo-gone' },
    });
  });

  it('says the organisation is unknown when it is not stored', () => {
    const result = resolveOrganizer({ organisationId: ORGANISATION_ID }, undefined, undefined);
    expect(result).toMatchObject({ ok: false, reason: { code: 'organisation-unknown' } });
  });

  it('still uses a promotor’s id when the organisation is not stored', () => {
    const result = resolveOrganizer(
      { organisationId: ORGANISATION_ID, promotorId: 'promo-1' },
      undefined,
      promotor(PROMOTOR_ORGANIZER),
    );
    expect(result).toEqual({ ok: true, organizerId: PROMOTOR_ORGANIZER, source: 'promotor' });
  });
});

describe('the organizer rule', () => {
  const resolved = resolveOrganizer(
    { organisationId: ORGANISATION_ID },
    organisation(ORG_ORGANIZER),
    undefined,
  );

  it('matches the same organizer in either case, and nothing else', () => {
    expect(matchOrganizer(resolved, ORG_ORGANIZER.toUpperCase())).toBe('match');
    expect(matchOrganizer(resolved, PROMOTOR_ORGANIZER)).toBe('mismatch');
    expect(matchOrganizer(resolved, null)).toBe('mismatch');
  });

  it('cannot compare without an organizer of ours', () => {
    const none = resolveOrganizer({ organisationId: ORGANISATION_ID }, organisation(undefined), undefined);
    expect(matchOrganizer(none, ORG_ORGANIZER)).toBe('unresolved');
  });
});
