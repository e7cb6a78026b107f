/**
 * Who is calling. Every API key belongs to one client (a box office, a webshop, an admin screen), has one role, and
 * may act for a fixed set of ticketing organisations.
 */
export const ROLES = ['basket', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** An organisation list of just `*` lets a key act for every organisation (an operator's key). */
export const ALL_ORGANISATIONS = '*';

export interface Principal {
  keyId: string;
  clientName: string;
  role: Role;
  organisations: readonly string[];
}

export function mayActFor(principal: Principal, organisationId: string): boolean {
  return (
    principal.organisations.includes(ALL_ORGANISATIONS) || principal.organisations.includes(organisationId)
  );
}
