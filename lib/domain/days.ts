/**
 * Windows of whole UTC days, as the export and reconciliation take them: `from` and `to` are `YYYY-MM-DD`, both
 * inclusive.
 */

/** The window's instants: [from 00:00Z, the day after `to` 00:00Z), as ISO strings (the ledger's sort keys). */
export function dayWindow(days: { from: string; to: string }): { since: string; until: string } {
  const until = new Date(`${days.to}T00:00:00.000Z`);
  until.setUTCDate(until.getUTCDate() + 1);
  return { since: `${days.from}T00:00:00.000Z`, until: until.toISOString() };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Days from `from` to `to`: 0 for the same day, negative when `to` is before `from`. */
export function daysFrom(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / DAY_MS;
}
