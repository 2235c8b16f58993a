import type { Duration, Mentor, SessionType, Slot } from "../../api/types";
import { formatDate, formatDuration, formatTimeRange, MINUTE_MS, toMs } from "../../lib/time";
import { sessionTypeLabel } from "./options";

interface Props {
  mentor: Mentor | null;
  slot: Slot | null;
  duration: Duration;
  sessionType: SessionType;
  title: string;
  timeZone: string;
}

export function BookingSummary({ mentor, slot, duration, sessionType, title, timeZone }: Props) {
  const end = slot ? toMs(slot.start) + duration * MINUTE_MS : null;
  return (
    <aside className="card summary" aria-labelledby="summary-title">
      <h2 id="summary-title">Summary</h2>
      <dl className="details">
        <dt>Mentor</dt>
        <dd>{mentor ? `${mentor.name}, ${mentor.jobTitle} at ${mentor.company}` : "…"}</dd>
        <dt>Date</dt>
        <dd>{slot ? formatDate(slot.start, timeZone) : "Pick a time in the calendar"}</dd>
        <dt>Time</dt>
        <dd>{slot && end ? formatTimeRange(slot.start, end, timeZone) : "–"}</dd>
        <dt>Time zone</dt>
        <dd>{timeZone}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(duration)}</dd>
        <dt>Type</dt>
        <dd>{sessionTypeLabel(sessionType)}</dd>
        <dt>Title</dt>
        <dd>{title.trim() || "–"}</dd>
      </dl>
      {sessionType !== "IN_PERSON" && (
        <p className="muted small">
          You can join the call from 15 minutes before the start, from My Sessions.
        </p>
      )}
    </aside>
  );
}
