import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { parsePassIdentifier, parseUitpasNumber, refuseExpiredSocialTariff, toPassView } from './pass.js';

describe('parsePassIdentifier', () => {
  it.each([
    ['0900000067513', 'uitpasNumber', '0900000067513'],
    [' 0900 0000 67513 ', 'uitpasNumber', '0900000067513'],
    ['04363cdaee3880', 'chipNumber', '04363CDAEE3880'],
    ['04ED6ACACF6180', 'chipNumber', '04ED6ACACF6180'],
    ['04784cdaee3880', 'chipNumber', '04784CDAEE3880'],
    // INSZ of the test dataset: born before 2000, after 2000 (the 2-prefixed check), written with dots and a dash.
    ['36051380284', 'insz', '36051380284'],
    ['20010170215', 'insz', '20010170215'],
    ['15.02.17-600.24', 'insz', '15021760024'],
  ])('reads %s as a %s', (raw, kind, value) => {
    expect(parsePassIdentifier(raw)).toEqual({ kind, value });
  });

  it.each(['', '123', '09000000675139999999999', 'not-a-pass', '0900000067513x', '../etc'])(
    'refuses %j',
    (raw) => {
      expect(() => parsePassIdentifier(raw)).toThrow(AppError);
    },
  );

  it('refuses 11 digits whose INSZ check digits do not fit, saying it read them as an INSZ', () => {
    // 36051380284 with its check digits changed by one.
    expect(() => parsePassIdentifier('36051380285')).toThrow(
      expect.objectContaining({ slug: 'invalid-insz' }),
    );
    // A 2000s birth date checked the old way: 200101702 % 97 gives another pair.
    expect(() => parsePassIdentifier('20010170216')).toThrow(
      expect.objectContaining({ slug: 'invalid-insz' }),
    );
  });

  it.each(['04363CDAEE388', '0436CDA', '04363CDAEE3880AABBCCDDEE'])(
    'refuses %s: not whole bytes, or too many for a chip UID',
    (raw) => {
      expect(() => parsePassIdentifier(raw)).toThrow(
        expect.objectContaining({ slug: 'invalid-pass-identifier' }),
      );
    },
  );

  it('refuses a chip number as an UiTPAS number', () => {
    expect(() => parseUitpasNumber('04363CDAEE3880')).toThrow(/13 digits/);
  });
});

describe('the pass the till sees', () => {
  const pass = {
    uitpasNumber: '0900000031618',
    passType: 'INDIVIDUAL',
    firstName: 'An',
    points: 12,
    cardSystem: { id: 1, name: 'UiTPAS Gent' },
    socialTariff: { status: 'EXPIRED', endDate: '2026-01-31T23:59:59+01:00' },
    messages: [{ level: 'WARN', text: 'Je sociaal tarief is verlopen.' }],
  };

  it('refuses an expired social tariff with UiTPAS’s own warning, keeping the pass in the problem', () => {
    const view = toPassView(pass);
    try {
      refuseExpiredSocialTariff(view);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      const problem = error as AppError;
      expect(problem.status).toBe(422);
      expect(problem.endUserMessage).toEqual({ nl: 'Je sociaal tarief is verlopen.' });
      expect(problem.extensions.pass).toEqual(view);
    }
  });

  it('does not derive the status from the end date: an ACTIVE tariff past its end date stays ACTIVE', () => {
    const view = toPassView({
      ...pass,
      socialTariff: { status: 'ACTIVE', endDate: '2020-01-01T00:00:00Z' },
      messages: undefined,
    });
    expect(() => refuseExpiredSocialTariff(view)).not.toThrow();
    expect(view.socialTariff.status).toBe('ACTIVE');
    expect(view.messages).toEqual([]);
  });

  it('marks a group pass', () => {
    expect(toPassView({ ...pass, passType: 'GROUP' }).isGroupPass).toBe(true);
  });
});
