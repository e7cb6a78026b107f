/**
 * validatePass: `POST /v1/passes/validate` (role basket), body `{ "identifier": "…" }`.
 * Input: an UiTPAS number, an INSZ or a card's chip number, in the body: a pass number is personal data, and a path or query
 * ends up in access logs, proxy logs and browser histories. Output: the pass as the till needs it (type, first name,
 * card system, social tariff status as UiTPAS gives it, points, UiTPAS's messages, which kind of identifier was given), or a problem for a pass that
 * cannot be used. Side effects: none; one call to UiTPAS `GET /passes`.
 */
import { type HttpOptions, httpRouter, ok, route } from '../adapters/http/handler.js';
import { type ValidatePassDeps, validatePass } from '../use-cases/basket/validate-pass.js';
import * as z from '../zod.js';

export const validatePassBody = z.strictObject({
  identifier: z.string().check(z.minLength(1), z.maxLength(64)),
});

export function createHandler(deps: () => ValidatePassDeps, options?: HttpOptions) {
  return httpRouter(
    {
      'POST /v1/passes/validate': route(
        { auth: { roles: ['basket'] }, body: validatePassBody },
        async ({ body, answerBy }) => ok(await validatePass(body.identifier, deps(), { deadline: answerBy })),
      ),
    },
    options,
  );
}
