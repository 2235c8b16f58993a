import type { ApiError } from "../api/api";
import { detailOf, plainMessage } from "../api/problems";

interface Props {
  error: ApiError | null;
  /** Overrides the plain message for this place (e.g. a booking conflict). */
  message?: string;
  id?: string;
}

/** A problem from the API, in plain words, where it happened. */
export function ProblemAlert({ error, message, id }: Props) {
  if (!error) return null;
  const detail = detailOf(error);
  return (
    <div className="alert alert--error" role="alert" id={id} data-code={error.code}>
      <p className="alert__title">{message ?? plainMessage(error)}</p>
      {detail && <p className="alert__detail">{detail}</p>}
    </div>
  );
}

export function Notice({ children }: { children: React.ReactNode }) {
  return (
    <div className="alert alert--success" role="status">
      <p className="alert__title">{children}</p>
    </div>
  );
}
