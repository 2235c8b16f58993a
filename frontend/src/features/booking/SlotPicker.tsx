import { useEffect, useState } from "react";
import type { Slot } from "../../api/types";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useClock } from "../../lib/clock";
import { addDays, dateKeyInZone, mondayOf, viewerTimeZone, weekDays } from "../../lib/time";
import { type CalendarEntry, entriesByDay, startsFitting } from "./slots";
import { useWeekAvailability } from "./useAvailability";
import { WeekCalendar } from "./WeekCalendar";

/** Bookings reach at most 180 days ahead. */
const MAX_DAYS_AHEAD = 180;

export interface SlotPickerProps {
  mentorId: string;
  /** Session length in minutes: only starts with room for it are offered. */
  duration: number;
  selected: Slot | null;
  onSelect: (slot: Slot | null) => void;
  /** Change to load the week again (after a conflict, say). */
  refresh?: number;
  /** The zone times are shown in (default: the viewer's). */
  timeZone?: string;
}

/** The mentor's real free times for one week at a time, in the viewer's zone. */
export function SlotPicker({
  mentorId,
  duration,
  selected,
  onSelect,
  refresh = 0,
  timeZone = viewerTimeZone(),
}: SlotPickerProps) {
  const clock = useClock();
  const today = dateKeyInZone(clock(), timeZone);
  const thisMonday = mondayOf(today);
  const [monday, setMonday] = useState(thisMonday);
  // The day the person picked in this week; until then one is chosen for them.
  const [pickedDay, setPickedDay] = useState<string | null>(null);
  const { availability, error, loading } = useWeekAvailability(mentorId, monday, timeZone, refresh);

  const fitting = availability ? startsFitting(availability.slots, duration) : [];
  const entries = availability ? entriesByDay(fitting, availability.bookedSlots, timeZone) : null;
  const openDays = weekDays(monday).filter((d) => d >= today);
  const day =
    pickedDay && openDays.includes(pickedDay)
      ? pickedDay
      : (openDays.find((d) => entries?.get(d)?.some((e) => e.kind === "free")) ??
        openDays[0] ??
        null);

  // A chosen start that is no longer offered (taken, or too short now) is dropped.
  const stillOffered = !selected || fitting.some((s) => s.start === selected.start);
  useEffect(() => {
    if (availability && !loading && !stillOffered) onSelect(null);
  }, [availability, loading, stillOffered, onSelect]);

  const showWeek = (next: string) => {
    setMonday(next);
    setPickedDay(null);
  };

  return (
    <div className="slot-picker">
      <p className="muted small">
        Times are shown in your time zone, <strong>{timeZone}</strong>
        {availability && availability.timezone !== timeZone
          ? ` (the mentor's is ${availability.timezone})`
          : ""}
        . {duration > 30 && `Only starts with room for ${duration} minutes are offered.`}
      </p>
      <ProblemAlert error={error} />
      <WeekCalendar
        monday={monday}
        today={today}
        timeZone={timeZone}
        entries={entries}
        selectedDay={day}
        selectedStart={selected?.start ?? null}
        canGoBack={monday > thisMonday}
        canGoForward={monday < mondayOf(addDays(today, MAX_DAYS_AHEAD))}
        loading={loading}
        onPrevWeek={() => showWeek(addDays(monday, -7))}
        onNextWeek={() => showWeek(addDays(monday, 7))}
        onSelectDay={setPickedDay}
        onSelectStart={(entry: CalendarEntry) => {
          if (day) setPickedDay(day);
          onSelect({ start: entry.start, end: entry.end });
        }}
      />
    </div>
  );
}
