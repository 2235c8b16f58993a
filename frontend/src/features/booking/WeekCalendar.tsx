import { useId } from "react";
import type { CalendarEntry } from "./slots";
import {
  dayLong,
  dayShort,
  formatTime,
  formatTimeRange,
  weekDays,
  weekdayShort,
  weekLabel,
} from "../../lib/time";

export interface WeekCalendarProps {
  /** Monday of the week shown (date key). */
  monday: string;
  /** Today in `timeZone` (date key): earlier days are disabled. */
  today: string;
  timeZone: string;
  /** Entries per day, or null while the first load runs. */
  entries: Map<string, CalendarEntry[]> | null;
  selectedDay: string | null;
  selectedStart: string | null;
  canGoBack: boolean;
  canGoForward: boolean;
  loading: boolean;
  onPrevWeek: () => void;
  onNextWeek: () => void;
  onSelectDay: (day: string) => void;
  onSelectStart: (entry: CalendarEntry) => void;
}

/** A Mon–Sun week: day buttons, then the free and booked times of the chosen day. */
export function WeekCalendar(props: WeekCalendarProps) {
  const { monday, today, timeZone, entries, selectedDay, loading } = props;
  const headingId = useId();
  const days = weekDays(monday);

  return (
    <div className="calendar" role="group" aria-labelledby={headingId} aria-busy={loading}>
      <div className="calendar__nav">
        <button
          type="button"
          className="button"
          onClick={props.onPrevWeek}
          disabled={!props.canGoBack}
        >
          <span aria-hidden="true">‹ </span>Previous week
        </button>
        <h3 id={headingId} className="calendar__title" aria-live="polite">
          {weekLabel(monday)}
        </h3>
        <button
          type="button"
          className="button"
          onClick={props.onNextWeek}
          disabled={!props.canGoForward}
        >
          Next week<span aria-hidden="true"> ›</span>
        </button>
      </div>

      <div className="calendar__days" role="group" aria-label="Days of the week">
        {days.map((day) => {
          const past = day < today;
          const free = entries?.get(day)?.filter((e) => e.kind === "free").length ?? 0;
          const status = past ? "Past" : entries ? (free ? `${free} free` : "Full") : "…";
          return (
            <button
              key={day}
              type="button"
              className={`day${day === selectedDay ? " day--selected" : ""}${day === today ? " day--today" : ""}`}
              data-date={day}
              aria-pressed={day === selectedDay}
              disabled={past}
              onClick={() => props.onSelectDay(day)}
            >
              <span className="day__name">{weekdayShort(day)}</span>
              <span className="day__date">{dayShort(day)}</span>
              <span className="day__status">
                {status}
                {day === today && <span className="visually-hidden">, today</span>}
              </span>
            </button>
          );
        })}
      </div>

      {selectedDay && (
        <DaySlots
          day={selectedDay}
          timeZone={timeZone}
          entries={entries?.get(selectedDay) ?? []}
          loaded={entries !== null}
          selectedStart={props.selectedStart}
          onSelectStart={props.onSelectStart}
        />
      )}
    </div>
  );
}

interface DaySlotsProps {
  day: string;
  timeZone: string;
  entries: CalendarEntry[];
  loaded: boolean;
  selectedStart: string | null;
  onSelectStart: (entry: CalendarEntry) => void;
}

function DaySlots({ day, timeZone, entries, loaded, selectedStart, onSelectStart }: DaySlotsProps) {
  const headingId = useId();
  return (
    <section className="calendar__slots" aria-labelledby={headingId}>
      <h4 id={headingId}>{dayLong(day)}</h4>
      {!loaded ? (
        <p role="status">Loading times…</p>
      ) : entries.length === 0 ? (
        <p className="muted">No free times on this day.</p>
      ) : (
        <ul className="slot-grid" aria-label={`Times on ${dayLong(day)}`}>
          {entries.map((entry) => (
            <li key={`${entry.kind}-${entry.start}`}>
              {entry.kind === "free" ? (
                <button
                  type="button"
                  className={`slot${entry.start === selectedStart ? " slot--selected" : ""}`}
                  data-start={entry.start}
                  aria-pressed={entry.start === selectedStart}
                  onClick={() => onSelectStart(entry)}
                >
                  {formatTime(entry.start, timeZone)}
                </button>
              ) : (
                <div className="slot slot--booked" data-booked-start={entry.start}>
                  <span>{formatTimeRange(entry.start, entry.end, timeZone)}</span>{" "}
                  <span className="slot__tag">Booked</span>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
