import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { type ApiError, api, toApiError } from "../../api/api";
import type { Availability } from "../../api/types";
import { useMe } from "../../auth/AuthContext";
import { SelectField, TextField } from "../../components/Field";
import { Notice, ProblemAlert } from "../../components/ProblemAlert";
import { EmptyState, Loading } from "../../components/States";
import { useAsync } from "../../hooks/useAsync";
import { useClock } from "../../lib/clock";
import { dateKeyInZone, timeZones, viewerTimeZone } from "../../lib/time";
import { usePageTitle } from "../../lib/usePageTitle";
import { DateOverridesEditor } from "./DateOverridesEditor";
import { DayWindows } from "./DayWindows";
import {
  errorsByOverride,
  overrideErrors,
  type OverrideRow,
  overridesFrom,
  sortOverrides,
  toRequest,
} from "./overrides";
import {
  errorsByRow,
  flatten,
  newRow,
  rowError,
  WEEKDAYS,
  type Week,
  weekFrom,
  emptyWeek,
} from "./weekly";

const BUFFERS = Array.from({ length: 17 }, (_, i) => i * 15);

export function AvailabilityPage() {
  usePageTitle("Availability");
  const me = useMe();
  const mentorId = me?.mentorId ?? null;
  const clock = useClock();
  const loaded = useAsync<Availability>(() => {
    if (!mentorId) return null;
    const zone = viewerTimeZone();
    const today = dateKeyInZone(clock(), zone);
    return api.availability(mentorId, today, today, zone);
  }, [mentorId]);

  if (!mentorId) {
    return (
      <section aria-labelledby="availability-title">
        <h1 id="availability-title">Availability</h1>
        <EmptyState title="Only mentors have availability.">
          <p>
            <Link to="/mentor-profile">Create your mentor profile</Link> first.
          </p>
        </EmptyState>
      </section>
    );
  }
  return (
    <section aria-labelledby="availability-title">
      <h1 id="availability-title">Availability</h1>
      <p className="lead">
        The weekly times students can book you, and dates with other hours, as wall-clock times in
        your time zone.
      </p>
      <ProblemAlert error={loaded.error} />
      {loaded.data ? <Editor initial={loaded.data} /> : !loaded.error && <Loading />}
    </section>
  );
}

function Editor({ initial }: { initial: Availability }) {
  const [week, setWeek] = useState<Week>(() => weekFrom(initial.weekly));
  const [timezone, setTimezone] = useState(initial.timezone);
  const [minNotice, setMinNotice] = useState(String(initial.minNoticeMinutes));
  const [buffer, setBuffer] = useState(initial.bufferMinutes);
  const [overrides, setOverrides] = useState<OverrideRow[]>(() =>
    overridesFrom(initial.dateOverrides),
  );
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({});
  const [overrideProblems, setOverrideProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError | null>(null);
  // What was last saved: the "saved" notice shows until the form differs from it.
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const zones = timeZones(timezone);
  const snapshot = JSON.stringify([
    flatten(week).weekly,
    timezone,
    minNotice,
    buffer,
    toRequest(overrides).dateOverrides,
  ]);

  function copyMondayToAll() {
    setWeek((current) => {
      const next = emptyWeek();
      for (const { day } of WEEKDAYS) next[day] = current.MON.map((r) => newRow(r.start, r.end));
      return next;
    });
  }

  function localErrors(): {
    rows: Record<string, string>;
    overrides: Record<string, string>;
    fields: Record<string, string>;
  } {
    const rows: Record<string, string> = {};
    for (const { day } of WEEKDAYS) {
      for (const row of week[day]) {
        const problem = rowError(row);
        if (problem) rows[row.id] = problem;
      }
    }
    const fields: Record<string, string> = {};
    const notice = Number(minNotice);
    if (minNotice.trim() === "" || !Number.isInteger(notice) || notice < 0 || notice > 129600) {
      fields.minNoticeMinutes = "Whole minutes from 0 to 129600 (90 days).";
    }
    return { rows, overrides: overrideErrors(overrides), fields };
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const local = localErrors();
    setRowErrors(local.rows);
    setOverrideProblems(local.overrides);
    setFieldErrors(local.fields);
    if ([local.rows, local.overrides, local.fields].some((e) => Object.keys(e).length)) return;
    const { weekly, rowIds } = flatten(week);
    const { dateOverrides, ids } = toRequest(overrides);
    setBusy(true);
    try {
      await api.setAvailability({
        timezone,
        weekly,
        minNoticeMinutes: Number(minNotice),
        bufferMinutes: buffer,
        dateOverrides,
      });
      setSaved(snapshot);
      // Dates edited in place move to their place in the list once saved.
      setOverrides(sortOverrides);
    } catch (err) {
      const problem = toApiError(err);
      const fields = problem.fieldErrors();
      setFieldErrors(fields);
      setRowErrors(errorsByRow(fields, rowIds));
      setOverrideProblems(errorsByOverride(fields, ids));
      setError(problem);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="availability">
      <div className="card">
        <h2>Weekly hours</h2>
        <p className="muted small">
          Use 24-hour times; a window may end at 24:00. Windows on one day must not overlap.
        </p>
        {fieldErrors.weekly && <p className="field__error">{fieldErrors.weekly}</p>}
        <div className="weekdays">
          {WEEKDAYS.map(({ day, label }) => (
            <DayWindows
              key={day}
              label={label}
              rows={week[day]}
              errors={rowErrors}
              onChange={(rows) => setWeek((current) => ({ ...current, [day]: rows }))}
            />
          ))}
        </div>
        <button type="button" className="button" onClick={copyMondayToAll}>
          Copy Monday to every day
        </button>
      </div>

      <DateOverridesEditor
        overrides={overrides}
        timezone={timezone}
        errors={overrideProblems}
        listError={fieldErrors.dateOverrides}
        onChange={setOverrides}
      />

      <div className="card">
        <h2>Rules</h2>
        <div className="form-grid">
          <SelectField
            label="Time zone"
            value={timezone}
            onChange={(e) => setTimezone(e.target.value)}
            error={fieldErrors.timezone}
          >
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </SelectField>
          <TextField
            label="Minimum notice (minutes)"
            type="number"
            inputMode="numeric"
            min={0}
            max={129600}
            step={15}
            value={minNotice}
            onChange={(e) => setMinNotice(e.target.value)}
            error={fieldErrors.minNoticeMinutes}
            hint="How long before a session it must be booked."
          />
          <SelectField
            label="Buffer after each session"
            value={String(buffer)}
            onChange={(e) => setBuffer(Number(e.target.value))}
            error={fieldErrors.bufferMinutes}
          >
            {BUFFERS.map((b) => (
              <option key={b} value={b}>
                {b} min
              </option>
            ))}
          </SelectField>
        </div>
      </div>

      <ProblemAlert error={error} />
      {saved === snapshot && <Notice>Availability saved. Students now see these times.</Notice>}
      <button type="submit" className="button button--primary" disabled={busy}>
        {busy ? "Saving…" : "Save availability"}
      </button>
    </form>
  );
}
