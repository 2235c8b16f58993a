import type { ConnectionStatus, SessionStatus } from "../api/types";

const LABELS: Record<SessionStatus | ConnectionStatus, string> = {
  SCHEDULED: "Scheduled",
  COMPLETED: "Completed",
  CANCELLED: "Cancelled",
  NO_SHOW: "No-show",
  PENDING: "Pending",
  ACCEPTED: "Accepted",
  DECLINED: "Declined",
  REMOVED: "Removed",
  BLOCKED: "Blocked",
};

export function StatusBadge({ status }: { status: SessionStatus | ConnectionStatus }) {
  return (
    <span className={`badge badge--${status.toLowerCase()}`} data-status={status}>
      {LABELS[status]}
    </span>
  );
}
