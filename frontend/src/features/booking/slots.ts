/** Turning the availability endpoint's answer into what a calendar shows. */
import type { Slot } from "../../api/types";
import { dateKeyInZone, MINUTE_MS, toMs } from "../../lib/time";

export const SLOT_MINUTES = 30;

/** Free starts where a session of `duration` minutes fits (each 30-minute part is free). */
export function startsFitting(slots: readonly Slot[], duration: number): Slot[] {
  const free = new Set(slots.map((s) => toMs(s.start)));
  const parts = Math.max(1, Math.round(duration / SLOT_MINUTES));
  return slots.filter((s) => {
    const start = toMs(s.start);
    for (let i = 1; i < parts; i++) {
      if (!free.has(start + i * SLOT_MINUTES * MINUTE_MS)) return false;
    }
    return true;
  });
}

export type CalendarEntry =
  { kind: "free"; start: string; end: string } | { kind: "booked"; start: string; end: string };

/** Free and booked entries per calendar day in `timeZone`, each day sorted by start. */
export function entriesByDay(
  free: readonly Slot[],
  booked: readonly Slot[],
  timeZone: string,
): Map<string, CalendarEntry[]> {
  const days = new Map<string, CalendarEntry[]>();
  const add = (entry: CalendarEntry) => {
    const key = dateKeyInZone(entry.start, timeZone);
    const list = days.get(key) ?? [];
    list.push(entry);
    days.set(key, list);
  };
  for (const s of free) add({ kind: "free", start: s.start, end: s.end });
  for (const s of booked) add({ kind: "booked", start: s.start, end: s.end });
  for (const list of days.values()) list.sort((a, b) => toMs(a.start) - toMs(b.start));
  return days;
}
