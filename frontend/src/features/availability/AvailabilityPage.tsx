import { type FormEvent, useReducer } from "react";
import { Link } from "react-router";
import { api, toApiError } from "../../api/api";
import type { Availability } from "../../api/types";
import { useMe } from "../../auth/AuthContext";
import { Notice, ProblemAlert } from "../../components/ProblemAlert";
import { EmptyState, Loading } from "../../components/States";
import { useAsync } from "../../hooks/useAsync";
import { useClock } from "../../lib/clock";
import { dateKeyInZone, viewerTimeZone } from "../../lib/time";
import { usePageTitle } from "../../lib/usePageTitle";
import { DateOverridesEditor } from "./DateOverridesEditor";
import { editorReducer, hasErrors, initialEditorState, snapshotOf, validate } from "./editorState";
import { toRequest } from "./overrides";
import { RulesEditor } from "./RulesEditor";
import { flatten } from "./weekly";
import { WeeklyHoursEditor } from "./WeeklyHoursEditor";

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

/** The form: weekly hours, date-specific hours and rules; its state is `editorReducer`'s. */
function Editor({ initial }: { initial: Availability }) {
  const [state, dispatch] = useReducer(editorReducer, initial, initialEditorState);
  const { week, timezone, minNotice, buffer, overrides, errors } = state;
  const snapshot = snapshotOf(state);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const local = validate(state);
    dispatch({ type: "submitted", errors: local });
    if (hasErrors(local)) return;
    const { weekly, rowIds } = flatten(week);
    const { dateOverrides, ids } = toRequest(overrides);
    try {
      await api.setAvailability({
        timezone,
        weekly,
        minNoticeMinutes: Number(minNotice),
        bufferMinutes: buffer,
        dateOverrides,
      });
      dispatch({ type: "saved", snapshot });
    } catch (err) {
      dispatch({ type: "failed", error: toApiError(err), rowIds, overrideIds: ids });
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="availability">
      <WeeklyHoursEditor
        week={week}
        errors={errors.rows}
        listError={errors.fields.weekly}
        onDayChange={(day, rows) => dispatch({ type: "setDay", day, rows })}
        onCopyMonday={() => dispatch({ type: "copyMondayToAll" })}
      />

      <DateOverridesEditor
        overrides={overrides}
        timezone={timezone}
        errors={errors.overrides}
        listError={errors.fields.dateOverrides}
        onChange={(rows) => dispatch({ type: "setOverrides", overrides: rows })}
      />

      <RulesEditor
        timezone={timezone}
        minNotice={minNotice}
        buffer={buffer}
        errors={errors.fields}
        onTimezoneChange={(zone) => dispatch({ type: "setTimezone", timezone: zone })}
        onMinNoticeChange={(value) => dispatch({ type: "setMinNotice", minNotice: value })}
        onBufferChange={(minutes) => dispatch({ type: "setBuffer", buffer: minutes })}
      />

      <ProblemAlert error={state.error} />
      {state.saved === snapshot && (
        <Notice>Availability saved. Students now see these times.</Notice>
      )}
      <button type="submit" className="button button--primary" disabled={state.busy}>
        {state.busy ? "Saving…" : "Save availability"}
      </button>
    </form>
  );
}
