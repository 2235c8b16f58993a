import type { MentorSession } from "../../api/types";
import { MINUTE_MS, toMs } from "../../lib/time";

/** The call opens this long before the start (the API's rule). */
export const JOIN_EARLY_MS = 15 * MINUTE_MS;
/** Cancelling and rescheduling close this long before the start (the API's rule). */
export const CHANGE_CLOSES_MS = 120 * MINUTE_MS;

export type JoinState = "early" | "open" | "ended";

/** Open from 15 minutes before the start until the scheduled end. */
export function joinState(
  session: Pick<MentorSession, "scheduledAt" | "endsAt">,
  now: number,
): JoinState {
  const start = toMs(session.scheduledAt);
  if (now < start - JOIN_EARLY_MS) return "early";
  if (now >= toMs(session.endsAt)) return "ended";
  return "open";
}

/** The instants at which joinState changes. */
export function joinBoundaries(session: Pick<MentorSession, "scheduledAt" | "endsAt">): number[] {
  return [toMs(session.scheduledAt) - JOIN_EARLY_MS, toMs(session.endsAt)];
}

export function canChange(session: Pick<MentorSession, "scheduledAt">, now: number): boolean {
  return now < toMs(session.scheduledAt) - CHANGE_CLOSES_MS;
}

export function isCallable(session: Pick<MentorSession, "sessionType" | "status">): boolean {
  return session.status === "SCHEDULED" && session.sessionType !== "IN_PERSON";
}
