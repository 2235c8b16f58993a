import type { Weekday } from "../../api/types";
import { DayWindows } from "./DayWindows";
import { WEEKDAYS, type Week, type WindowRow } from "./weekly";

interface Props {
  week: Week;
  /** Errors by window row id. */
  errors: Record<string, string>;
  /** An error about the weekly list as a whole (the API's `weekly` field). */
  listError?: string | undefined;
  onDayChange: (day: Weekday, rows: WindowRow[]) => void;
  onCopyMonday: () => void;
}

/** "Weekly hours": each weekday's windows, and copying Monday's to every day. */
export function WeeklyHoursEditor({ week, errors, listError, onDayChange, onCopyMonday }: Props) {
  return (
    <div className="card">
      <h2>Weekly hours</h2>
      <p className="muted small">
        Use 24-hour times; a window may end at 24:00. Windows on one day must not overlap.
      </p>
      {listError && <p className="field__error">{listError}</p>}
      <div className="weekdays">
        {WEEKDAYS.map(({ day, label }) => (
          <DayWindows
            key={day}
            label={label}
            rows={week[day]}
            errors={errors}
            onChange={(rows) => onDayChange(day, rows)}
          />
        ))}
      </div>
      <button type="button" className="button" onClick={onCopyMonday}>
        Copy Monday to every day
      </button>
    </div>
  );
}
