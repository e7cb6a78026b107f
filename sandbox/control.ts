/**
 * `/__sandbox/*`: the control plane for a sandbox running in another process (the dev stack). These routes
 * need no token, are never faulted and are not recorded in the request log.
 */
import * as z from 'zod';
import {
  type FaultController,
  FaultRuleJson,
  faultRuleFromJson,
  faultRuleToJson,
  type RequestLog,
} from './faults.js';
import { json, noContent, parseBody, type Router, readJson } from './http.js';
import { fail, ProblemTypes } from './problems.js';
import type { SandboxState } from './state.js';

export interface ControlTarget {
  state: SandboxState;
  faults: FaultController;
  requests: RequestLog;
  reset(): void;
  revokeTokens(): void;
  urls: () => Record<string, string>;
}

const SeedEventsJson = z.object({
  count: z.number().int().positive().max(1_000_000),
  organizerId: z.string().min(1).optional(),
  namePrefix: z.string().optional(),
  modifiedFrom: z.string().optional(),
  stepMs: z.number().int().nonnegative().optional(),
  workflowStatus: z.enum(['DRAFT', 'READY_FOR_VALIDATION', 'APPROVED', 'REJECTED', 'DELETED']).optional(),
  uitpas: z.boolean().optional(),
  basePrice: z.number().nonnegative().nullable().optional(),
});

const PermissionsJson = z.object({
  organizerId: z.string().min(1),
  permissions: z.array(z.string().min(1)),
  /** Per permission, the card systems it is limited to (see `SandboxState.setPermissions`). */
  cardSystemIds: z.record(z.string().min(1), z.array(z.number().int())).optional(),
});

export function registerControlRoutes(router: Router, target: ControlTarget): void {
  router.add('GET', '/__sandbox/health', () => json(200, { status: 'ok', urls: target.urls() }));

  router.add('GET', '/__sandbox/faults', () =>
    json(
      200,
      target.faults.list().map((f) => ({ ...f, rule: faultRuleToJson(f.rule) })),
    ),
  );

  router.add('POST', '/__sandbox/faults', (req) => {
    const body = parseBody(FaultRuleJson, readJson(req), 'property');
    let rule: ReturnType<typeof faultRuleFromJson>;
    try {
      rule = faultRuleFromJson(body);
    } catch (error) {
      return fail({
        type: ProblemTypes.bodyInvalidData,
        title: 'Invalid body data',
        status: 400,
        schemaErrors: [{ jsonPointer: '/path', error: (error as Error).message }],
      });
    }
    const handle = target.faults.add(rule);
    return json(201, { id: handle.id, rule: faultRuleToJson(rule) });
  });

  router.add('DELETE', '/__sandbox/faults', () => {
    target.faults.clear();
    return noContent();
  });

  router.add('DELETE', '/__sandbox/faults/{id}', (req) => {
    if (!target.faults.remove(req.params.id ?? '')) {
      fail({ type: ProblemTypes.urlNotFound, title: 'URL not found', status: 404, detail: 'No such fault.' });
    }
    return noContent();
  });

  router.add('POST', '/__sandbox/reset', () => {
    target.reset();
    return noContent();
  });

  router.add('POST', '/__sandbox/revoke-tokens', () => {
    target.revokeTokens();
    return noContent();
  });

  router.add('GET', '/__sandbox/requests', (req) => {
    const match = req.query.get('match');
    const member = match ? target.requests.filter(match) : target.requests.all();
    return json(200, { totalItems: member.length, counts: target.requests.counts(), member });
  });

  router.add('DELETE', '/__sandbox/requests', () => {
    target.requests.reset();
    return noContent();
  });

  router.add('GET', '/__sandbox/ticket-sales', (req) => {
    const status = req.query.get('status');
    const member = target.state
      .ticketSales({
        eventId: req.query.get('eventId') ?? undefined,
        status: status === 'active' || status === 'cancelled' ? status : 'all',
      })
      .map((sale) => ({ ...sale, status: sale.cancelled ? 'CANCELLED' : 'ACTIVE' }));
    return json(200, { totalItems: member.length, member });
  });

  router.add('POST', '/__sandbox/seed-events', (req) => {
    const body = parseBody(SeedEventsJson, readJson(req), 'property');
    const ids = target.state.seedEvents(body);
    return json(201, { count: ids.length, ids });
  });

  router.add('POST', '/__sandbox/permissions', (req) => {
    const body = parseBody(PermissionsJson, readJson(req), 'property');
    target.state.setPermissions(body.organizerId, body.permissions, body.cardSystemIds);
    return noContent();
  });
}
