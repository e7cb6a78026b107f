/**
 * The authorizer (functions/authorize.ts) resolves the API key and hands its owner to the route in the request
 * context. A missing context means no valid key: the route refuses, so a route without the authorizer fails closed.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type Principal, ROLES, type Role } from '../../domain/access.js';

/** What the authorizer puts in `requestContext.authorizer.lambda`: flat strings, as API Gateway passes them. */
export interface AuthorizerContext {
  keyId: string;
  clientName: string;
  role: string;
  /** Comma-separated organisation ids. */
  organisations: string;
}

export function toAuthorizerContext(principal: Principal): AuthorizerContext {
  return {
    keyId: principal.keyId,
    clientName: principal.clientName,
    role: principal.role,
    organisations: principal.organisations.join(','),
  };
}

export function principalFromEvent(event: APIGatewayProxyEventV2): Principal | undefined {
  const context = (
    event.requestContext as { authorizer?: { lambda?: Partial<AuthorizerContext> } } | undefined
  )?.authorizer?.lambda;
  if (!context?.keyId || !context.clientName || !ROLES.includes(context.role as Role)) return undefined;
  return {
    keyId: context.keyId,
    clientName: context.clientName,
    role: context.role as Role,
    organisations: (context.organisations ?? '').split(',').filter(Boolean),
  };
}
