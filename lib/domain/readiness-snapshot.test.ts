import { describe, expect, it } from 'vitest';
import type { ReadinessReport } from './readiness.js';
import { toSnapshot } from './readiness-snapshot.js';

const report: ReadinessReport = {
  eventId: 'ev-1',
  ready: false,
  checkedAt: '2026-03-01T10:00:00.000Z',
  items: [
    { id: 'uitdatabank-id', ok: true, severity: 'error', observed: 'x' },
    { id: 'base-price', ok: false, severity: 'warning', observed: 12, fix: { nl: 'x', en: 'x' } },
    { id: 'uitpas-permission', ok: false, severity: 'error', observed: [], fix: { nl: 'x', en: 'x' } },
  ],
};

describe('the readiness snapshot kept on the event', () => {
  it('keeps only the verdict, the failing items by severity and the version it judged', () => {
    expect(toSnapshot(report, 3)).toEqual({
      eventVersion: 3,
      checkedAt: '2026-03-01T10:00:00.000Z',
      ready: false,
      errors: ['uitpas-permission'],
      warnings: ['base-price'],
    });
  });

  it('carries the organizer permission when the check established it', () => {
    const permission = { organizerId: 'o-1', permitted: true, checkedAt: report.checkedAt };
    expect(toSnapshot({ ...report, organizerPermission: permission }, 1).organizerPermission).toEqual(
      permission,
    );
  });
});
