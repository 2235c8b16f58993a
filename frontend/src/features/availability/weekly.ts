/** The availability editor's model: windows per weekday, and turning it into the request. */
import type { WeeklyWindow, Weekday } from "../../api/types";

export const WEEKDAYS: readonly { day: Weekday; label: string }[] = [
  { day: "MON", label: "Monday" },
  { day: "TUE", label: "Tuesday" },
  { day: "WED", label: "Wednesday" },
  { day: "THU", label: "Thursday" },
  { day: "FRI", label: "Friday" },
  { day: "SAT", label: "Saturday" },
  { day: "SUN", label: "Sunday" },
];

export interface WindowRow {
  id: string;
  start: string;
  end: string;
}

export type Week = Record<Weekday, WindowRow[]>;

export const HHMM = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

let nextId = 0;
export function newRow(start: string, end: string): WindowRow {
  nextId += 1;
  return { id: `w${nextId}`, start, end };
}

export function emptyWeek(): Week {
  return { MON: [], TUE: [], WED: [], THU: [], FRI: [], SAT: [], SUN: [] };
}

export function weekFrom(windows: readonly { day: string; start: string; end: string }[]): Week {
  const week = emptyWeek();
  for (const w of windows) {
    const day = WEEKDAYS.find((d) => d.day === w.day)?.day;
    if (day) week[day].push(newRow(w.start, w.end));
  }
  return week;
}

export function toMinutes(hhmm: string): number {
  const [h = "0", m = "0"] = hhmm.split(":");
  return Number(h) * 60 + Number(m);
}

function fromMinutes(total: number): string {
  const t = Math.min(total, 24 * 60);
  return `${String(Math.floor(t / 60)).padStart(2, "0")}:${String(t % 60).padStart(2, "0")}`;
}

/** A sensible next window for a day: 09:00–17:00, or the hour after the last one. */
export function suggestRow(rows: readonly WindowRow[]): WindowRow {
  const last = rows[rows.length - 1];
  if (!last || !HHMM.test(last.end)) return newRow("09:00", "17:00");
  const start = toMinutes(last.end);
  if (start >= 24 * 60) return newRow("", "");
  return newRow(fromMinutes(start), fromMinutes(start + 60));
}

/** The request's `weekly` list, and which row each index came from (for field errors). */
export function flatten(week: Week): { weekly: WeeklyWindow[]; rowIds: string[] } {
  const weekly: WeeklyWindow[] = [];
  const rowIds: string[] = [];
  for (const { day } of WEEKDAYS) {
    for (const row of week[day]) {
      weekly.push({ day, start: row.start.trim(), end: row.end.trim() });
      rowIds.push(row.id);
    }
  }
  return { weekly, rowIds };
}

/** Problems the client can see before sending: the format, and start before end. */
export function rowError(row: WindowRow): string | undefined {
  const start = row.start.trim();
  const end = row.end.trim();
  if (!HHMM.test(start) || !HHMM.test(end))
    return "Use 24-hour times like 09:00 (end may be 24:00).";
  if (start === "24:00") return "A window cannot start at 24:00.";
  if (toMinutes(start) >= toMinutes(end)) return "The end must be after the start.";
  return undefined;
}

/** Field errors of the API (`weekly.3`, `weekly.3.start`) by row id. */
export function errorsByRow(errors: Record<string, string>, rowIds: readonly string[]) {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors)) {
    const match = /^weekly\.(\d+)(?:\.(\w+))?$/.exec(field);
    const rowId = match ? rowIds[Number(match[1])] : undefined;
    if (rowId) out[rowId] ??= match?.[2] ? `${match[2]}: ${message}` : message;
  }
  return out;
}
