import { describe, expect, it } from 'vitest';
import { APPLY_GRACE_MS } from '../../domain/ticket-sales/index.js';
import { context, DEFAULT_LEASE_MS, LEASE_MARGIN_MS, type TicketSalesDeps } from './deps.js';
import type { OrderRepository } from './ports.js';

const NOW = new Date('2026-03-02T10:00:00.000Z');
const deps = (overrides: Partial<TicketSalesDeps> = {}): TicketSalesDeps => ({
  orders: {} as OrderRepository,
  events: { getForBasket: async () => undefined },
  uitpas: {} as TicketSalesDeps['uitpas'],
  heldTimeoutMinutes: 30,
  passHashKey: async () => 'test-pass-hash-key',
  ...overrides,
});
const leaseOf = (d: TicketSalesDeps) => {
  const attempt = context(d).newAttempt(NOW);
  return Date.parse(attempt.leaseUntil) - Date.parse(attempt.startedAt);
};

describe('the lease of an attempt', () => {
  it('lasts the rest of the invocation plus a margin when the deadline is known', () => {
    const lease = leaseOf(deps({ deadline: Date.now() + 29_000 }));
    expect(lease).toBeGreaterThan(29_000 + LEASE_MARGIN_MS - 1000);
    expect(lease).toBeLessThanOrEqual(29_000 + LEASE_MARGIN_MS);
    expect(leaseOf(deps())).toBe(DEFAULT_LEASE_MS);
    expect(leaseOf(deps({ leaseMs: 500, deadline: Date.now() + 29_000 }))).toBe(500);
  });

  it('refuses to start an attempt whose lease would not fit in the grace a late POST gets', () => {
    expect(() => context(deps({ deadline: Date.now() + APPLY_GRACE_MS })).newAttempt(NOW)).toThrow(/grace/);
  });

  it('keys pass hashes with the key it is given, and has none of its own to fall back on', async () => {
    expect(await context(deps({ passHashKey: async () => 'k' })).passKey()).toBe('k');
    const { passHashKey: _key, ...keyless } = deps();
    // @ts-expect-error a pass-hash key is required
    expect(context(keyless).passKey).toBeUndefined();
  });
});
