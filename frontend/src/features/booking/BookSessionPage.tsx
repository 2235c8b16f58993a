import { type FormEvent, useCallback, useReducer, useRef } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { api, newIdempotencyKey, toApiError } from "../../api/api";
import type { Mentor, Slot } from "../../api/types";
import { ChoiceField, TextAreaField, TextField } from "../../components/Field";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useAsync } from "../../hooks/useAsync";
import { formatDate, formatTime, viewerTimeZone } from "../../lib/time";
import { usePageTitle } from "../../lib/usePageTitle";
import { bookingReducer, initialBookingState, validate } from "./bookingForm";
import { BookingSummary } from "./BookingSummary";
import { DURATIONS, SESSION_TYPES } from "./options";
import { SlotPicker } from "./SlotPicker";

export function BookSessionPage() {
  usePageTitle("Book Session");
  const { mentorId = "" } = useParams();
  const navigate = useNavigate();
  const timeZone = viewerTimeZone();
  const mentor = useAsync<Mentor>(() => api.getMentor(mentorId), [mentorId]);

  const [state, dispatch] = useReducer(bookingReducer, initialBookingState);
  const { slot, title, description, duration, sessionType, agendaNotes } = state;
  const { fieldErrors, slotProblem } = state;
  const calendarRef = useRef<HTMLElement>(null);

  const onSelect = useCallback((next: Slot | null) => dispatch({ type: "select", slot: next }), []);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const errors = validate(state);
    dispatch({ type: "submitted", errors });
    if (!slot || Object.keys(errors).length) return;
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
      const error = toApiError(err);
      dispatch({ type: "failed", error });
      if (error.code === "SLOT_UNAVAILABLE") {
        calendarRef.current?.scrollIntoView?.({ block: "start" });
      }
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
            refresh={state.refresh}
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
              onChange={(e) => dispatch({ type: "edit", patch: { title: e.target.value } })}
              error={fieldErrors.title}
            />
            <TextAreaField
              label="Description"
              maxLength={2000}
              value={description}
              onChange={(e) => dispatch({ type: "edit", patch: { description: e.target.value } })}
              error={fieldErrors.description}
            />
            <ChoiceField
              legend="Duration"
              name="duration"
              value={duration}
              choices={DURATIONS}
              onChange={(value) => dispatch({ type: "edit", patch: { duration: value } })}
              error={fieldErrors.duration}
            />
            <ChoiceField
              legend="Session type"
              name="sessionType"
              value={sessionType}
              choices={SESSION_TYPES}
              onChange={(value) => dispatch({ type: "edit", patch: { sessionType: value } })}
              error={fieldErrors.sessionType}
            />
            <TextAreaField
              label="Agenda notes"
              maxLength={2000}
              hint="What would you like to talk about?"
              value={agendaNotes}
              onChange={(e) => dispatch({ type: "edit", patch: { agendaNotes: e.target.value } })}
              error={fieldErrors.agendaNotes}
            />
            <ProblemAlert error={state.formError} />
            <button
              type="submit"
              className="button button--primary button--wide"
              disabled={state.busy}
            >
              {state.busy ? "Booking…" : "Book Session"}
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
