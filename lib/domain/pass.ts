/**
 * Rules for the pass a buyer shows: what an identifier may look like, and what the till gets to see of the pass.
 */
import { AppError, type EndUserMessage } from './errors.js';

/** UiTPAS numbers are 13 digits. */
export const UITPAS_NUMBER_PATTERN = /^[0-9]{13}$/;
/**
 * Chip numbers are the card's NFC UID as a scanner reads it: whole bytes in hex, 4 to 10 of them (the test cards have
 * 7, so 14 characters). An odd count of characters cannot be a UID, which keeps an 11-digit INSZ apart from them.
 */
export const CHIP_NUMBER_PATTERN = /^(?:[0-9A-Fa-f]{2}){4,10}$/;
/** An INSZ (rijksregisternummer or BIS number) is 11 digits: birth date, a serial, and two check digits. */
export const INSZ_PATTERN = /^[0-9]{11}$/;

export type PassIdentifierKind = 'uitpasNumber' | 'chipNumber' | 'insz';
export interface PassIdentifier {
  kind: PassIdentifierKind;
  value: string;
}

/** Spaces, dots and dashes are how people write numbers down; they are never part of one. */
function compact(raw: string): string {
  return raw.trim().replace(/[\s.-]/g, '');
}

export function isUitpasNumber(value: string): boolean {
  return UITPAS_NUMBER_PATTERN.test(value);
}

/**
 * The INSZ check: 97 minus the first nine digits modulo 97 gives the last two; for someone born in 2000 or later the
 * nine digits are read with a 2 in front. Either reading that fits makes the number well-formed.
 *
 * UiTPAS numbers get no such check: every number of publiq's test dataset and guides passes a Luhn check, but publiq
 * documents no check digit, and refusing a real card on a guess would cost a buyer the discount. UiTPAS itself answers
 * a wrong number with `pass-not-found`.
 */
export function isInsz(value: string): boolean {
  if (!INSZ_PATTERN.test(value)) return false;
  const check = Number(value.slice(9));
  const base = value.slice(0, 9);
  return 97 - (Number(base) % 97) === check || 97 - (Number(`2${base}`) % 97) === check;
}

export function parseUitpasNumber(raw: string, pointer = 'uitpasNumber'): string {
  const value = compact(raw);
  if (!isUitpasNumber(value)) {
    throw new AppError('invalid-uitpas-number', 400, 'Malformed UiTPAS number', {
      detail: 'An UiTPAS number is the 13 digits printed on the card (e.g. 0900000067513).',
      extensions: { invalidParams: [{ pointer, detail: 'expected 13 digits' }] },
    });
  }
  return value;
}

/**
 * Which of the three identifiers UiTPAS accepts was given: 13 digits are an UiTPAS number, 11 digits an INSZ (its
 * check digits must fit), whole bytes of hex a chip number (upper-cased, as UiTPAS lists them).
 */
export function parsePassIdentifier(raw: string): PassIdentifier {
  const value = compact(raw);
  if (isUitpasNumber(value)) return { kind: 'uitpasNumber', value };
  if (INSZ_PATTERN.test(value)) {
    if (isInsz(value)) return { kind: 'insz', value };
    throw new AppError('invalid-insz', 400, 'The INSZ number does not check out', {
      detail:
        'These 11 digits read as an INSZ (national register number), but its last two digits do not match the first nine. Check the number on the identity card, or scan the UiTPAS instead.',
      extensions: { invalidParams: [{ pointer: '/identifier', detail: 'INSZ check digits do not match' }] },
    });
  }
  if (CHIP_NUMBER_PATTERN.test(value)) return { kind: 'chipNumber', value: value.toUpperCase() };
  throw new AppError('invalid-pass-identifier', 400, 'Not an UiTPAS number, INSZ or chip number', {
    detail:
      'Send the 13-digit UiTPAS number printed on the card, the buyer’s 11-digit INSZ (national register number), or the chip number as the scanner reads it (8 to 20 hexadecimal characters, an even count).',
    extensions: {
      invalidParams: [
        {
          pointer: '/identifier',
          detail: 'expected 13 digits, 11 digits or 8-20 hex characters (even count)',
        },
      ],
    },
  });
}

export type SocialTariffStatus = 'ACTIVE' | 'EXPIRED' | 'NONE';

export interface PassMessage {
  level: string;
  text: string;
}

/** What UiTPAS tells about a pass, as far as the till needs it. */
export interface PassFacts {
  uitpasNumber: string;
  passType: string;
  firstName: string;
  points: number;
  cardSystem: { id: number; name?: string | undefined };
  socialTariff: { status: string; endDate?: string | undefined };
  messages?: PassMessage[] | undefined;
}

export interface PassView {
  uitpasNumber: string;
  /** What the buyer gave, so the till can say "found by INSZ" when the number on the screen is not what was typed. */
  identifiedBy: PassIdentifierKind;
  passType: 'INDIVIDUAL' | 'GROUP' | string;
  isGroupPass: boolean;
  firstName: string;
  cardSystem: { id: number; name: string | null };
  /** As UiTPAS says it: only ACTIVE entitles; never derived from `endDate` (a grace period keeps it ACTIVE). */
  socialTariff: { status: string; endDate: string | null };
  points: number;
  /** UiTPAS asks that these are shown to the passholder. */
  messages: PassMessage[];
}

export function toPassView(pass: PassFacts, identifiedBy: PassIdentifierKind = 'uitpasNumber'): PassView {
  return {
    uitpasNumber: pass.uitpasNumber,
    identifiedBy,
    passType: pass.passType,
    isGroupPass: pass.passType === 'GROUP',
    firstName: pass.firstName,
    cardSystem: { id: pass.cardSystem.id, name: pass.cardSystem.name ?? null },
    socialTariff: { status: pass.socialTariff.status, endDate: pass.socialTariff.endDate ?? null },
    points: pass.points,
    messages: pass.messages ?? [],
  };
}

/**
 * A pass whose social tariff has expired is refused, with the pass itself in the problem so the till can still show
 * it (and offer coupons if it wants to). UiTPAS's own warning becomes the message for the buyer.
 */
export function refuseExpiredSocialTariff(view: PassView): void {
  if (view.socialTariff.status !== 'EXPIRED') return;
  const warning = view.messages.find((message) => message.level === 'WARN' || message.level === 'ERROR');
  const endUserMessage: EndUserMessage = {
    nl: warning?.text ?? 'Je kansentarief is verlopen. Je kan het verlengen aan de UiTPAS-balie.',
  };
  throw new AppError('social-tariff-expired', 422, 'The social tariff has expired', {
    detail: `The social tariff of this pass expired${view.socialTariff.endDate ? ` on ${view.socialTariff.endDate}` : ''}. The buyer can renew it at the UiTPAS desk; sell at the regular price meanwhile.`,
    endUserMessage,
    extensions: { pass: view },
  });
}
