/**
 * validatePass: `GET /v1/passes/{identifier}` (role basket).
 * Input: an UiTPAS number or a card's chip number. Output: the pass as the till needs it (type, first name, card
 * system, social tariff status as UiTPAS gives it, points, UiTPAS's messages), or a problem for a pass that cannot be
 * used. Side effects: none; one call to UiTPAS `GET /passes`.
 */
import * as z from 'zod';
import { type HttpOptions, httpHandler, ok } from '../adapters/http/handler.js';
import { type ValidatePassDeps, validatePass } from '../use-cases/basket/validate-pass.js';

const path = z.object({ identifier: z.string().min(1).max(64) });

export function createHandler(deps: () => ValidatePassDeps, options?: HttpOptions) {
  return httpHandler(
    { auth: { roles: ['basket'] }, path },
    async ({ path }) => ok(await validatePass(path.identifier, deps())),
    options,
  );
}
