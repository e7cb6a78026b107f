/**
 * What is kept of a readiness report on the event, for the basket: small on purpose, since the basket's one read of
 * the event costs by item size. It names the event version it was computed for, so that once an admin changed the
 * event the basket can tell the verdict is stale.
 */
import type { OrganizerVerdict } from './organizer.js';
import type { ReadinessItemId, ReadinessReport } from './readiness.js';
import type { OrganizerPermissionSnapshot } from './tariffs.js';

export interface ReadinessSnapshot {
  /** The `version` of the event the check looked at. */
  eventVersion: number;
  checkedAt: string;
  ready: boolean;
  /** Failing items with severity `error`. */
  errors: ReadinessItemId[];
  /** Failing items with severity `warning`. */
  warnings: ReadinessItemId[];
  organizerPermission?: OrganizerPermissionSnapshot;
  /**
   * The organizer rule as the check found it. Stored beside the snapshot, not in it (`organizerVerdict`), where an
   * edit of the event does not make it stale and a check that could not read UiTdatabank does not erase it.
   */
  organizer?: OrganizerVerdict;
}

export function toSnapshot(report: ReadinessReport, eventVersion: number): ReadinessSnapshot {
  const failing = (severity: 'error' | 'warning') =>
    report.items.filter((item) => !item.ok && item.severity === severity).map((item) => item.id);
  return {
    eventVersion,
    checkedAt: report.checkedAt,
    ready: report.ready,
    errors: failing('error'),
    warnings: failing('warning'),
    ...(report.organizerPermission ? { organizerPermission: report.organizerPermission } : {}),
    ...(report.organizer ? { organizer: { ...report.organizer, checkedAt: report.checkedAt } } : {}),
  };
}
