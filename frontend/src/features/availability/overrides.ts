/** Date-specific hours: the editor's model, and turning it into the request's `dateOverrides`. */
import type { Availability, AvailabilityRequest } from "../../api/types";
import { addDays } from "../../lib/time";
import { newRow, rowError, toMinutes, type WindowRow } from "./weekly";

/** One entry of the request's `dateOverrides` (`DateOverrideIn`). */
export type DateOverride = NonNullable<AvailabilityRequest["dateOverrides"]>[number];
/** One entry of the saved availability's `dateOverrides` (`DateOverrideOut`). */
type SavedOverride = Availability["dateOverrides"][number];

/** The API's limits (`AvailabilityIn.dateOverrides`, `DateOverrideIn.windows`). */
export const MAX_OVERRIDES = 366;
export const MAX_WINDOWS = 48;

export interface OverrideRow {
  id: string;
  /** `YYYY-MM-DD`, or whatever the date input holds ("" when cleared). */
  date: string;
  /** No windows: unavailable the whole date. */
  windows: WindowRow[];
  /** The windows "Unavailable all day" cleared, brought back when it is unticked. */
  cleared?: WindowRow[];
}

let nextId = 0;
export function newOverride(date: string, windows: WindowRow[]): OverrideRow {
  nextId += 1;
  return { id: `d${nextId}`, date, windows };
}

/** A real calendar date written `YYYY-MM-DD` (so not `2026-02-30`). */
export function isDateKey(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** By date; rows without a valid date last, in their current order. */
export function sortOverrides(rows: readonly OverrideRow[]): OverrideRow[] {
  const key = (r: OverrideRow) => (isDateKey(r.date) ? r.date : "~");
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export function overridesFrom(saved: readonly SavedOverride[]): OverrideRow[] {
  return sortOverrides(
    saved.map((o) =>
      newOverride(
        o.date,
        o.windows.map((w) => newRow(w.start, w.end)),
      ),
    ),
  );
}

/** The first date from `from` on without an override. */
export function nextFreeDate(from: string, rows: readonly OverrideRow[]): string {
  const taken = new Set(rows.map((r) => r.date));
  let date = from;
  for (let i = 0; i <= MAX_OVERRIDES && taken.has(date); i += 1) date = addDays(date, 1);
  return date;
}

/** Why `date` cannot get a new override, if it cannot. */
export function addProblem(rows: readonly OverrideRow[], date: string): string | undefined {
  if (!isDateKey(date)) return "Pick a date first.";
  if (rows.some((r) => r.date === date)) {
    return `${date} already has date-specific hours: change them in the list above.`;
  }
  if (rows.length >= MAX_OVERRIDES)
    return `At most ${MAX_OVERRIDES} dates can have their own hours.`;
  return undefined;
}

/** A new override for `date` (09:00–17:00 to start with), in date order. */
export function addOverride(rows: readonly OverrideRow[], date: string): OverrideRow[] {
  return sortOverrides([...rows, newOverride(date, [newRow("09:00", "17:00")])]);
}

export function updateOverride(
  rows: readonly OverrideRow[],
  id: string,
  patch: Partial<Omit<OverrideRow, "id">>,
): OverrideRow[] {
  return rows.map((r) => (r.id === id ? { ...r, ...patch } : r));
}

export function removeOverride(rows: readonly OverrideRow[], id: string): OverrideRow[] {
  return rows.filter((r) => r.id !== id);
}

/** "Unavailable all day" ticked (windows cleared, kept aside) or unticked (brought back). */
export function setUnavailable(row: OverrideRow, unavailable: boolean): Partial<OverrideRow> {
  if (unavailable) return { windows: [], cleared: row.windows };
  const back = row.cleared?.length ? row.cleared : [newRow("09:00", "17:00")];
  return { windows: back, cleared: [] };
}

/** Ids of rows whose date another row has too. */
export function duplicateIds(rows: readonly OverrideRow[]): Set<string> {
  const count = new Map<string, number>();
  for (const r of rows) count.set(r.date, (count.get(r.date) ?? 0) + 1);
  return new Set(
    rows.filter((r) => r.date !== "" && (count.get(r.date) ?? 0) > 1).map((r) => r.id),
  );
}

export const DUPLICATE_DATE = "Another date in this list is the same: each date can appear once.";

/** Where an override's date error goes in the error map (window errors go under their row id). */
export const dateKey = (overrideId: string) => `${overrideId}.date`;

/**
 * Problems the client can see before sending, by row id (windows) or `dateKey(id)`:
 * a missing or repeated date, badly written times, an end before its start, overlaps.
 */
export function overrideErrors(rows: readonly OverrideRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  const duplicates = duplicateIds(rows);
  for (const row of rows) {
    if (!isDateKey(row.date)) out[dateKey(row.id)] = "Pick a date.";
    else if (duplicates.has(row.id)) out[dateKey(row.id)] = DUPLICATE_DATE;
    const valid: WindowRow[] = [];
    for (const w of row.windows) {
      const problem = rowError(w);
      if (problem) out[w.id] = problem;
      else valid.push(w);
    }
    // Like the API: windows in start order; one starting before the previous ones end overlaps.
    let reach = 0;
    for (const w of [...valid].sort((a, b) => toMinutes(a.start) - toMinutes(b.start))) {
      if (toMinutes(w.start) < reach) out[w.id] = "Overlaps another window on this date.";
      reach = Math.max(reach, toMinutes(w.end));
    }
  }
  return out;
}

/** The request's `dateOverrides` in date order, and the row ids behind each index. */
export function toRequest(rows: readonly OverrideRow[]): {
  dateOverrides: DateOverride[];
  ids: { id: string; windowIds: string[] }[];
} {
  const sorted = sortOverrides(rows);
  return {
    dateOverrides: sorted.map((r) => ({
      date: r.date,
      windows: r.windows.map((w) => ({ start: w.start.trim(), end: w.end.trim() })),
    })),
    ids: sorted.map((r) => ({ id: r.id, windowIds: r.windows.map((w) => w.id) })),
  };
}

/**
 * Field errors of the API by where they show: `dateOverrides.2.windows.1(.start)` under
 * that window's row id, `dateOverrides.2.date` under `dateKey` of that override, and
 * `dateOverrides.2` or `dateOverrides.2.windows` under the override's id.
 */
export function errorsByOverride(
  errors: Record<string, string>,
  ids: readonly { id: string; windowIds: readonly string[] }[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors)) {
    const match = /^dateOverrides\.(\d+)(?:\.(date|windows)(?:\.(\d+)(?:\.(\w+))?)?)?$/.exec(field);
    const override = match ? ids[Number(match[1])] : undefined;
    if (!match || !override) continue;
    const windowId = match[3] === undefined ? undefined : override.windowIds[Number(match[3])];
    if (windowId) out[windowId] ??= match[4] ? `${match[4]}: ${message}` : message;
    else if (match[2] === "date") out[dateKey(override.id)] ??= message;
    else out[override.id] ??= message;
  }
  return out;
}
