/** Validate a pass at the till: ask UiTPAS about it and answer what the cashier needs to see. */
import {
  type PassView,
  parsePassIdentifier,
  refuseExpiredSocialTariff,
  toPassView,
} from '../../domain/pass.js';
import type { PassesAtUitpas, UpstreamCall } from './ports.js';

export interface ValidatePassDeps {
  uitpas: PassesAtUitpas;
}

export async function validatePass(
  identifier: string,
  deps: ValidatePassDeps,
  call: UpstreamCall = {},
): Promise<PassView> {
  const parsed = parsePassIdentifier(identifier);
  const view = toPassView(await deps.uitpas.getPass(parsed.value, call), parsed.kind);
  refuseExpiredSocialTariff(view);
  return view;
}
