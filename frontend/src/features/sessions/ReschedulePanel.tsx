import { type FormEvent, useCallback, useState } from "react";
import { type ApiError, api, toApiError } from "../../api/api";
import type { Duration, MentorSession, Slot } from "../../api/types";
import { ChoiceField, TextAreaField } from "../../components/Field";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDate, formatTime, viewerTimeZone } from "../../lib/time";
import { DURATIONS } from "../booking/options";
import { SlotPicker } from "../booking/SlotPicker";

interface Props {
  session: MentorSession;
  onDone: (message: string) => void;
  onClose: () => void;
}

const TAKEN =
  "That time was just taken. The calendar has been refreshed: please pick another time.";

export function ReschedulePanel({ session, onDone, onClose }: Props) {
  const timeZone = viewerTimeZone();
  const [slot, setSlot] = useState<Slot | null>(null);
  const [duration, setDuration] = useState<Duration>(
    DURATIONS.find((d) => d.value === session.duration)?.value ?? 60,
  );
  const [reason, setReason] = useState("");
  const [refresh, setRefresh] = useState(0);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const onSelect = useCallback((next: Slot | null) => setSlot(next), []);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!slot) return;
    setBusy(true);
    setError(null);
    try {
      const moved = await api.rescheduleSession(session.id, {
        scheduledAt: slot.start,
        duration,
        reason: reason.trim() || null,
      });
      onDone(
        `"${session.title}" moved to ${formatDate(moved.scheduledAt, timeZone)} at ${formatTime(moved.scheduledAt, timeZone)}.`,
      );
    } catch (err) {
      const problem = toApiError(err);
      if (problem.code === "SLOT_UNAVAILABLE" || problem.code === "OUTSIDE_AVAILABILITY") {
        setSlot(null);
        setRefresh((r) => r + 1);
      }
      setError(problem);
      setBusy(false);
    }
  }

  return (
    <form
      className="panel"
      onSubmit={onSubmit}
      noValidate
      aria-label={`Reschedule ${session.title}`}
    >
      <ChoiceField
        legend="Duration"
        name={`duration-${session.id}`}
        value={duration}
        choices={DURATIONS}
        onChange={setDuration}
      />
      <SlotPicker
        mentorId={session.mentorId}
        duration={duration}
        selected={slot}
        onSelect={onSelect}
        refresh={refresh}
        timeZone={timeZone}
      />
      <TextAreaField
        label="Reason (optional)"
        maxLength={500}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        error={error?.fieldErrors().reason}
      />
      <ProblemAlert
        error={error}
        message={error?.code === "SLOT_UNAVAILABLE" ? TAKEN : undefined}
      />
      <div className="stack-row">
        <button type="submit" className="button button--primary" disabled={busy || !slot}>
          {slot
            ? `Reschedule to ${formatDate(slot.start, timeZone)}, ${formatTime(slot.start, timeZone)}`
            : "Pick a new time"}
        </button>
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}
