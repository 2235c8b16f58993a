/** Problem details in plain words for people. */
import type { ApiError } from "./api";

const MESSAGES: Record<string, string> = {
  SLOT_UNAVAILABLE: "That time was just taken. Please pick another time.",
  NOT_CONNECTED: "You need an accepted connection with this mentor before you can book a session.",
  OUTSIDE_AVAILABILITY: "That time is outside the mentor's availability. Please pick a free time.",
  INVALID_STATE: "This can no longer be done: the item has changed state. Reload to see it now.",
  CANCELLATION_WINDOW_CLOSED:
    "Sessions can only be cancelled or rescheduled at least 2 hours before they start.",
  JOIN_WINDOW_CLOSED:
    "The call opens 15 minutes before the start and closes when the session ends.",
  NOT_FOUND: "We could not find that. It may have been removed, or you may not have access to it.",
  FORBIDDEN: "You are not allowed to do that.",
  CONNECTION_EXISTS: "You already have a pending or accepted connection with this mentor.",
  IDEMPOTENCY_KEY_REUSED: "This request was already sent with different details. Please try again.",
  VALIDATION_ERROR: "Some details need attention.",
  UNAUTHORIZED: "Your sign-in has expired. Please sign in again.",
  NETWORK_ERROR: "We could not reach the server. Check your connection and try again.",
  PAYLOAD_TOO_LARGE: "That is too much text to send at once.",
  THROTTLED: "The service is busy right now. Please try again in a moment.",
};

function byStatus(status: number): string {
  if (status === 401) return MESSAGES.UNAUTHORIZED as string;
  if (status === 413) return MESSAGES.PAYLOAD_TOO_LARGE as string;
  if (status === 429 || status === 503) return MESSAGES.THROTTLED as string;
  if (status >= 500) return "Something went wrong on our side. Please try again.";
  return "That did not work.";
}

/** One sentence a person understands. */
export function plainMessage(error: ApiError): string {
  return MESSAGES[error.code] ?? byStatus(error.status);
}

/** The server's own explanation, when it adds something to the plain message. */
export function detailOf(error: ApiError): string | null {
  const detail = error.problem.detail?.trim();
  if (!detail || detail === plainMessage(error)) return null;
  return detail;
}
