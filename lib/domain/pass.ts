/**
 * Rules for the pass a buyer shows: what an identifier may look like, and what the till gets to see of the pass.
 */
import { AppError, type EndUserMessage } from './errors.js';

/** UiTPAS numbers are 13 digits. */
export const UITPAS_NUMBER_PATTERN = /^[0-9]{13}$/;
/** Chip numbers are the card's NFC UID as a scanner reads it: 8 to 20 hex characters (7-byte UIDs give 14). */
export const CHIP_NUMBER_PATTERN = /^[0-9A-Fa-f]{8,20}$/;

export type PassIdentifier = { kind: 'uitpasNumber'; value: string } | { kind: 'chipNumber'; value: string };

/** Spaces, dots and dashes are how people write numbers down; they are never part of one. */
function compact(raw: string): string {
  return raw.trim().replace(/[\s.-]/g, '');
}

export function isUitpasNumber(value: string): boolean {
  return UITPAS_NUMBER_PATTERN.test(value);
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

/** A 13-digit identifier is an UiTPAS number; other hex strings of chip length are chip numbers, upper-cased. */
export function parsePassIdentifier(raw: string): PassIdentifier {
  const value = compact(raw);
  if (isUitpasNumber(value)) return { kind: 'uitpasNumber', value };
  if (CHIP_NUMBER_PATTERN.test(value)) return { kind: 'chipNumber', value: value.toUpperCase() };
  throw new AppError('invalid-pass-identifier', 400, 'Not an UiTPAS number or chip number', {
    detail:
      'Send the 13-digit UiTPAS number printed on the card, or the chip number as the scanner reads it (8 to 20 hexadecimal characters).',
    extensions: {
      invalidParams: [{ pointer: '/identifier', detail: 'expected 13 digits or 8-20 hex characters' }],
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

export function toPassView(pass: PassFacts): PassView {
  return {
    uitpasNumber: pass.uitpasNumber,
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
