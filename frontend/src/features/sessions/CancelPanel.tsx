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

export function CancelPanel({ session, onDone, onClose }: Props) {
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const text = reason.trim();
    if (!text) {
      setReasonError("Please say why you are cancelling (1–500 characters).");
      return;
    }
    setReasonError(undefined);
    setBusy(true);
    setError(null);
    try {
      await api.cancelSession(session.id, text);
      onDone(`"${session.title}" was cancelled.`);
    } catch (err) {
      const problem = toApiError(err);
      setReasonError(problem.fieldErrors().reason);
      setError(problem);
      setBusy(false);
    }
  }

  return (
    <form className="panel" onSubmit={onSubmit} noValidate aria-label={`Cancel ${session.title}`}>
      <TextAreaField
        label="Reason for cancelling"
        required
        maxLength={500}
        autoFocus
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        error={reasonError}
        hint="The other person will see this."
      />
      <ProblemAlert error={error} />
      <div className="stack-row">
        <button type="submit" className="button button--danger" disabled={busy}>
          {busy ? "Cancelling…" : "Cancel session"}
        </button>
        <button type="button" className="button" onClick={onClose}>
          Keep session
        </button>
      </div>
    </form>
  );
}
