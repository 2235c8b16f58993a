import { type FormEvent, useCallback, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { type ApiError, api, newIdempotencyKey, toApiError } from "../../api/api";
import type { Duration, Mentor, SessionType, Slot } from "../../api/types";
import { ChoiceField, TextAreaField, TextField } from "../../components/Field";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useAsync } from "../../hooks/useAsync";
import { formatDate, formatTime, viewerTimeZone } from "../../lib/time";
import { usePageTitle } from "../../lib/usePageTitle";
import { BookingSummary } from "./BookingSummary";
import { DURATIONS, SESSION_TYPES } from "./options";
import { SlotPicker } from "./SlotPicker";

const TAKEN =
  "Sorry, that time was just taken by someone else. The calendar has been refreshed: please pick another time.";

export function BookSessionPage() {
  usePageTitle("Book Session");
  const { mentorId = "" } = useParams();
  const navigate = useNavigate();
  const timeZone = viewerTimeZone();
  const mentor = useAsync<Mentor>(() => api.getMentor(mentorId), [mentorId]);

  const [slot, setSlot] = useState<Slot | null>(null);
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [duration, setDuration] = useState<Duration>(60);
  const [sessionType, setSessionType] = useState<SessionType>("VIDEO");
  const [agendaNotes, setAgendaNotes] = useState("");
  const [refresh, setRefresh] = useState(0);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [slotProblem, setSlotProblem] = useState<{ error: ApiError; message?: string } | null>(
    null,
  );
  const [formError, setFormError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const calendarRef = useRef<HTMLElement>(null);

  const onSelect = useCallback((next: Slot | null) => {
    setSlot(next);
    if (next) setSlotProblem(null);
  }, []);

  function validate(): Record<string, string> {
    const errors: Record<string, string> = {};
    if (!title.trim()) errors.title = "Give the session a title.";
    if (!slot) errors.scheduledAt = "Pick a time in the calendar.";
    return errors;
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const errors = validate();
    setFieldErrors(errors);
    setFormError(null);
    setSlotProblem(null);
    if (!slot || Object.keys(errors).length) return;
    setBusy(true);
    try {
      const session = await api.book(
        {
          mentorId,
          scheduledAt: slot.start,
          duration,
          sessionType,
          title: title.trim(),
          description: description.trim() || null,
          agendaNotes: agendaNotes.trim() || null,
          timezone: timeZone,
        },
        newIdempotencyKey(),
      );
      const when = `${formatDate(session.scheduledAt, timeZone)} at ${formatTime(session.scheduledAt, timeZone)}`;
      navigate("/sessions", { state: { notice: `Session booked for ${when}.` } });
    } catch (err) {
      handleError(toApiError(err));
      setBusy(false);
    }
  }

  function handleError(error: ApiError) {
    const fields = error.fieldErrors();
    setFieldErrors(fields);
    if (error.code === "SLOT_UNAVAILABLE") {
      setSlot(null);
      setRefresh((r) => r + 1);
      setSlotProblem({ error, message: TAKEN });
      calendarRef.current?.scrollIntoView?.({ block: "start" });
    } else if (error.code === "OUTSIDE_AVAILABILITY" || fields.scheduledAt) {
      setSlot(null);
      setRefresh((r) => r + 1);
      setSlotProblem({ error });
    } else {
      setFormError(error);
    }
  }

  const name = mentor.data?.name ?? "your mentor";

  return (
    <section aria-labelledby="book-title">
      <p>
        <Link to="/connections">‹ My Connections</Link>
      </p>
      <h1 id="book-title">Book a session with {name}</h1>
      <ProblemAlert error={mentor.error} />
      {mentor.data && (
        <p className="lead">
          {mentor.data.jobTitle} at {mentor.data.company}
        </p>
      )}
      <div className="booking">
        <section className="card" aria-labelledby="when-title" ref={calendarRef}>
          <h2 id="when-title">1. Pick a time</h2>
          {slotProblem && <ProblemAlert error={slotProblem.error} message={slotProblem.message} />}
          {fieldErrors.scheduledAt && !slotProblem && (
            <p className="field__error" id="slot-error">
              {fieldErrors.scheduledAt}
            </p>
          )}
          <SlotPicker
            mentorId={mentorId}
            duration={duration}
            selected={slot}
            onSelect={onSelect}
            refresh={refresh}
            timeZone={timeZone}
          />
        </section>

        <div className="booking__side">
          <form className="card" onSubmit={onSubmit} noValidate aria-labelledby="details-title">
            <h2 id="details-title">2. Session details</h2>
            <TextField
              label="Title"
              required
              maxLength={200}
              value={title}
              onChange={(e) => setTitle(e.target.value)}
              error={fieldErrors.title}
            />
            <TextAreaField
              label="Description"
              maxLength={2000}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              error={fieldErrors.description}
            />
            <ChoiceField
              legend="Duration"
              name="duration"
              value={duration}
              choices={DURATIONS}
              onChange={setDuration}
              error={fieldErrors.duration}
            />
            <ChoiceField
              legend="Session type"
              name="sessionType"
              value={sessionType}
              choices={SESSION_TYPES}
              onChange={setSessionType}
              error={fieldErrors.sessionType}
            />
            <TextAreaField
              label="Agenda notes"
              maxLength={2000}
              hint="What would you like to talk about?"
              value={agendaNotes}
              onChange={(e) => setAgendaNotes(e.target.value)}
              error={fieldErrors.agendaNotes}
            />
            <ProblemAlert error={formError} />
            <button type="submit" className="button button--primary button--wide" disabled={busy}>
              {busy ? "Booking…" : "Book Session"}
            </button>
          </form>
          <BookingSummary
            mentor={mentor.data}
            slot={slot}
            duration={duration}
            sessionType={sessionType}
            title={title}
            timeZone={timeZone}
          />
        </div>
      </div>
    </section>
  );
}
