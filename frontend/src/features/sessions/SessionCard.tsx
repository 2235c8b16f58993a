import { useState } from "react";
import type { MentorSession } from "../../api/types";
import { StatusBadge } from "../../components/StatusBadge";
import { useNow } from "../../lib/clock";
import { formatDate, formatDuration, formatTimeRange, toMs, viewerTimeZone } from "../../lib/time";
import { sessionTypeLabel } from "../booking/options";
import { CancelPanel } from "./CancelPanel";
import { CompletePanel } from "./CompletePanel";
import { JoinButton } from "./JoinButton";
import { CHANGE_CLOSES_MS, canChange, isCallable } from "./joinWindow";
import { ReschedulePanel } from "./ReschedulePanel";

type Panel = "cancel" | "reschedule" | "complete" | null;

interface Props {
  session: MentorSession;
  /** The signed-in user's id: decides whether they are the mentor here. */
  myUserId: string;
  onChanged: (message: string) => void;
}

const NO_SHOW: Record<string, string> = {
  MENTOR: "The mentor did not join.",
  STUDENT: "The student did not join.",
  BOTH: "Nobody joined.",
};

export function SessionCard({ session: s, myUserId, onChanged }: Props) {
  const timeZone = viewerTimeZone();
  const isMentor = s.mentor.userId === myUserId;
  const start = toMs(s.scheduledAt);
  const now = useNow([start - CHANGE_CLOSES_MS, start]);
  const [panel, setPanel] = useState<Panel>(null);
  const titleId = `session-${s.id}`;
  const scheduled = s.status === "SCHEDULED";
  const changeable = scheduled && canChange(s, now);
  const completable = scheduled && isMentor && now >= start;
  const toggle = (next: Panel) => setPanel((current) => (current === next ? null : next));
  const done = (message: string) => {
    setPanel(null);
    onChanged(message);
  };

  return (
    <article className="card session" aria-labelledby={titleId} data-session-id={s.id}>
      <header className="card__header">
        <div>
          <h3 id={titleId} className="card__title">
            {s.title}
          </h3>
          <p className="muted">
            {isMentor
              ? `with ${s.student.name} (student)`
              : `with ${s.mentor.user.name}, ${s.mentor.jobTitle} at ${s.mentor.company}`}
          </p>
        </div>
        <StatusBadge status={s.status} />
      </header>

      <dl className="details details--grid">
        <div>
          <dt>Date</dt>
          <dd>{formatDate(s.scheduledAt, timeZone)}</dd>
        </div>
        <div>
          <dt>Time</dt>
          <dd>{formatTimeRange(s.scheduledAt, s.endsAt, timeZone)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{formatDuration(s.duration)}</dd>
        </div>
        <div>
          <dt>Time zone</dt>
          <dd>{timeZone}</dd>
        </div>
        <div>
          <dt>Type</dt>
          <dd>{sessionTypeLabel(s.sessionType)}</dd>
        </div>
      </dl>

      {s.description && <Note label="Description" text={s.description} />}
      {s.agendaNotes && <Note label="Agenda notes" text={s.agendaNotes} />}
      {s.sessionNotes && <Note label="Session notes" text={s.sessionNotes} />}
      {s.status === "CANCELLED" && (
        <Note
          label={s.cancelledBy === myUserId ? "You cancelled: reason" : "Cancellation reason"}
          text={s.cancellationReason || "No reason given."}
        />
      )}
      {s.status === "NO_SHOW" && s.noShowBy && <p className="muted">{NO_SHOW[s.noShowBy]}</p>}

      {scheduled && (
        <div className="actions">
          {isCallable(s) && <JoinButton session={s} />}
          {changeable && (
            <>
              <button
                type="button"
                className="button"
                aria-expanded={panel === "reschedule"}
                onClick={() => toggle("reschedule")}
              >
                Reschedule
              </button>
              <button
                type="button"
                className="button button--danger"
                aria-expanded={panel === "cancel"}
                onClick={() => toggle("cancel")}
              >
                Cancel
              </button>
            </>
          )}
          {completable && (
            <button
              type="button"
              className="button button--primary"
              aria-expanded={panel === "complete"}
              onClick={() => toggle("complete")}
            >
              Complete
            </button>
          )}
          {!changeable && now < start && (
            <p className="muted small">
              Less than 2 hours to go: the session can no longer be cancelled or rescheduled.
            </p>
          )}
        </div>
      )}

      {panel === "cancel" && (
        <CancelPanel session={s} onDone={done} onClose={() => setPanel(null)} />
      )}
      {panel === "reschedule" && (
        <ReschedulePanel session={s} onDone={done} onClose={() => setPanel(null)} />
      )}
      {panel === "complete" && (
        <CompletePanel session={s} onDone={done} onClose={() => setPanel(null)} />
      )}
    </article>
  );
}

function Note({ label, text }: { label: string; text: string }) {
  return (
    <div className="note">
      <p className="note__label">{label}</p>
      <p className="note__text">{text}</p>
    </div>
  );
}
