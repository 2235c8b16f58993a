import { type FormEvent, useState } from "react";
import { type ApiError, api, toApiError } from "../../api/api";
import type { MentorSession } from "../../api/types";
import { TextAreaField } from "../../components/Field";
import { ProblemAlert } from "../../components/ProblemAlert";

interface Props {
  session: MentorSession;
  onDone: (message: string) => void;
  onClose: () => void;
}

export function CompletePanel({ session, onDone, onClose }: Props) {
  const [notes, setNotes] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.completeSession(session.id, notes.trim() || null);
      onDone(`"${session.title}" was marked complete.`);
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  }

  return (
    <form className="panel" onSubmit={onSubmit} noValidate aria-label={`Complete ${session.title}`}>
      <TextAreaField
        label="Session notes (optional)"
        maxLength={2000}
        autoFocus
        rows={4}
        value={notes}
        onChange={(e) => setNotes(e.target.value)}
        error={error?.fieldErrors().sessionNotes}
        hint="What you covered and next steps; the student sees these notes."
      />
      <ProblemAlert error={error} />
      <div className="stack-row">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? "Saving…" : "Mark complete"}
        </button>
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}
