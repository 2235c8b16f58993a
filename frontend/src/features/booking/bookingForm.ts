/**
 * The Book Session form's state: the picked slot, the details, the errors and the booking's
 * progress, changed only through `bookingReducer` (a pure function: no I/O, no clock).
 */
import type { ApiError } from "../../api/api";
import type { Duration, SessionType, Slot } from "../../api/types";

export const TAKEN =
  "Sorry, that time was just taken by someone else. The calendar has been refreshed: please pick another time.";

/** What the student types or chooses in "2. Session details". */
export interface BookingDetails {
  title: string;
  description: string;
  duration: Duration;
  sessionType: SessionType;
  agendaNotes: string;
}

export interface BookingState extends BookingDetails {
  slot: Slot | null;
  /** Bumped to make the calendar load the mentor's free slots again. */
  refresh: number;
  /** Messages by the request's field names. */
  fieldErrors: Record<string, string>;
  /** A problem with the time (shown above the calendar), with its own words if any. */
  slotProblem: { error: ApiError; message?: string } | null;
  /** Any other problem (shown above the button). */
  formError: ApiError | null;
  busy: boolean;
}

export type BookingAction =
  | { type: "edit"; patch: Partial<BookingDetails> }
  | { type: "select"; slot: Slot | null }
  /** Submitted with the client's own findings; booking starts when there are none. */
  | { type: "submitted"; errors: Record<string, string> }
  | { type: "failed"; error: ApiError };

export const initialBookingState: BookingState = {
  slot: null,
  title: "",
  description: "",
  duration: 60,
  sessionType: "VIDEO",
  agendaNotes: "",
  refresh: 0,
  fieldErrors: {},
  slotProblem: null,
  formError: null,
  busy: false,
};

/** Problems the client finds before sending. */
export function validate(state: BookingState): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!state.title.trim()) errors.title = "Give the session a title.";
  if (!state.slot) errors.scheduledAt = "Pick a time in the calendar.";
  return errors;
}

/** Whether a failed booking is about the time: then the calendar reloads and the slot goes. */
function isSlotProblem(error: ApiError, fields: Record<string, string>): boolean {
  return (
    error.code === "SLOT_UNAVAILABLE" ||
    error.code === "OUTSIDE_AVAILABILITY" ||
    Boolean(fields.scheduledAt)
  );
}

export function bookingReducer(state: BookingState, action: BookingAction): BookingState {
  switch (action.type) {
    case "edit":
      return { ...state, ...action.patch };
    case "select": {
      // Picking a time puts the last problem with a time away.
      const slotProblem = action.slot ? null : state.slotProblem;
      if (action.slot === state.slot && slotProblem === state.slotProblem) return state;
      return { ...state, slot: action.slot, slotProblem };
    }
    case "submitted":
      return {
        ...state,
        fieldErrors: action.errors,
        formError: null,
        slotProblem: null,
        busy: Boolean(state.slot) && Object.keys(action.errors).length === 0,
      };
    case "failed": {
      const { error } = action;
      const fields = error.fieldErrors();
      const failed = { ...state, fieldErrors: fields, busy: false };
      if (!isSlotProblem(error, fields)) return { ...failed, formError: error };
      return {
        ...failed,
        slot: null,
        refresh: state.refresh + 1,
        slotProblem: error.code === "SLOT_UNAVAILABLE" ? { error, message: TAKEN } : { error },
      };
    }
  }
}
