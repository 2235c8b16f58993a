/**
 * Dates and times for people in their own time zone.
 *
 * A calendar day is a "date key" `YYYY-MM-DD` (a plain date, no zone); an
 * instant is epoch milliseconds or an ISO 8601 string from the API.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** The viewer's IANA time zone, e.g. `Europe/Berlin`. */
export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** All IANA zones the browser knows (the viewer's own first when missing). */
export function timeZones(current?: string): string[] {
  const known =
    typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const zones = new Set<string>(known);
  zones.add("UTC");
  if (current) zones.add(current);
  return [...zones].sort();
}

export function toMs(instant: string | number): number {
  return typeof instant === "number" ? instant : Date.parse(instant);
}

const keyFormatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of an instant in a zone. */
export function dateKeyInZone(instant: string | number, timeZone: string): string {
  let fmt = keyFormatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    keyFormatters.set(timeZone, fmt);
  }
  const parts = Object.fromEntries(fmt.formatToParts(toMs(instant)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

function keyToUtcDate(key: string): Date {
  return new Date(`${key}T00:00:00Z`);
}

export function addDays(key: string, days: number): string {
  const d = keyToUtcDate(key);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The Monday of the week holding `key`. */
export function mondayOf(key: string): string {
  const weekday = (keyToUtcDate(key).getUTCDay() + 6) % 7; // Monday = 0
  return addDays(key, -weekday);
}

/** The seven date keys of the week starting `monday`. */
export function weekDays(monday: string): string[] {
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

/** "Mon", "Tue", ... for a date key (in the viewer's language). */
export function weekdayShort(key: string): string {
  return keyToUtcDate(key).toLocaleDateString(undefined, { weekday: "short", timeZone: "UTC" });
}

/** "Monday, 30 November" for a date key. */
export function dayLong(key: string): string {
  return keyToUtcDate(key).toLocaleDateString(undefined, {
    weekday: "long",
    day: "numeric",
    month: "long",
    timeZone: "UTC",
  });
}

/** "30 Nov" for a date key. */
export function dayShort(key: string): string {
  return keyToUtcDate(key).toLocaleDateString(undefined, {
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  });
}

/** "30 Nov – 6 Dec 2026" for the week starting `monday`. */
export function weekLabel(monday: string): string {
  const last = addDays(monday, 6);
  const year = keyToUtcDate(last).getUTCFullYear();
  return `${dayShort(monday)} – ${dayShort(last)} ${year}`;
}

/** "09:30" in a zone (24-hour clock). */
export function formatTime(instant: string | number, timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone,
  }).format(toMs(instant));
}

/** "Tue, 1 Dec 2026" in a zone. */
export function formatDate(instant: string | number, timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone,
  }).format(toMs(instant));
}

/** "09:30–10:30" in a zone. */
export function formatTimeRange(
  start: string | number,
  end: string | number,
  timeZone: string,
): string {
  return `${formatTime(start, timeZone)}–${formatTime(end, timeZone)}`;
}

/** "60 min", "1 h 30 min". */
export function formatDuration(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}
