import { useState } from "react";
import { type ApiError, api, toApiError } from "../../api/api";
import type { MentorSession } from "../../api/types";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useNow } from "../../lib/clock";
import { joinBoundaries, joinState } from "./joinWindow";

interface Props {
  session: MentorSession;
  /** Called with the session as the API returned it after recording the join. */
  onJoined?: (session: MentorSession) => void;
}

function safeLink(link: string | null | undefined): string | null {
  if (!link) return null;
  try {
    const url = new URL(link);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * "Join Video Call": enabled from 15 minutes before the start until the end.
 * The new tab is opened synchronously on click (so no popup blocker stops it)
 * and sent to the meeting once the API has recorded the join.
 */
export function JoinButton({ session, onJoined }: Props) {
  const now = useNow(joinBoundaries(session));
  const state = joinState(session, now);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [fallback, setFallback] = useState<string | null>(null);
  const label = session.sessionType === "VOICE" ? "Join Voice Call" : "Join Video Call";
  const hintId = `join-hint-${session.id}`;

  async function join() {
    const tab = window.open("", "_blank");
    if (tab) {
      tab.opener = null;
      tab.document.title = "Opening your meeting…";
      tab.document.body.textContent = "Opening your meeting…";
    }
    setBusy(true);
    setError(null);
    try {
      const started = await api.startSession(session.id);
      const link = safeLink(started.meetingLink);
      if (!link) throw new Error("The session has no meeting link.");
      if (tab) tab.location.href = link;
      else setFallback(link);
      onJoined?.(started);
    } catch (err) {
      tab?.close();
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="join">
      <button
        type="button"
        className="button button--join"
        disabled={state !== "open" || busy}
        aria-describedby={state !== "open" ? hintId : undefined}
        onClick={() => void join()}
      >
        {label}
      </button>
      {state === "early" && (
        <p className="muted small" id={hintId}>
          Opens 15 minutes before the start.
        </p>
      )}
      {state === "ended" && (
        <p className="muted small" id={hintId}>
          This session has ended.
        </p>
      )}
      {fallback && (
        <p>
          Your browser blocked the new tab.{" "}
          <a href={fallback} target="_blank" rel="noopener noreferrer">
            Open the meeting
          </a>
        </p>
      )}
      <ProblemAlert error={error} />
    </div>
  );
}
