import { useState } from "react";
import { Link } from "react-router";
import { type ApiError, api, toApiError } from "../../api/api";
import type { Connection, ConnectionAction } from "../../api/types";
import { useMe } from "../../auth/AuthContext";
import { Notice, ProblemAlert } from "../../components/ProblemAlert";
import { EmptyState, Loading } from "../../components/States";
import { StatusBadge } from "../../components/StatusBadge";
import { formatDate, viewerTimeZone } from "../../lib/time";
import { usePageTitle } from "../../lib/usePageTitle";
import { useConnections } from "./useConnections";

type Action = ConnectionAction;

const DONE: Record<Action, string> = {
  accept: "Connection accepted.",
  decline: "Request declined.",
  remove: "Connection removed.",
  block: "Student blocked: they cannot ask you again until you unblock them.",
  unblock: "Student unblocked: they may ask you again.",
};

/** The statuses from which a mentor may block the student (as the API allows). */
const BLOCKABLE: ReadonlySet<Connection["status"]> = new Set([
  "PENDING",
  "ACCEPTED",
  "DECLINED",
  "REMOVED",
]);

export function MyConnectionsPage() {
  usePageTitle("My Connections");
  const me = useMe();
  const connections = useConnections();
  const [notice, setNotice] = useState<string | null>(null);
  const myId = me?.id ?? "";
  const asMentor = connections.items.filter((c) => c.mentor.userId === myId);
  const asStudent = connections.items.filter((c) => c.studentId === myId);

  const onDone = (action: Action) => {
    setNotice(DONE[action]);
    connections.reload();
  };

  return (
    <section aria-labelledby="connections-title">
      <h1 id="connections-title">My Connections</h1>
      {notice && <Notice>{notice}</Notice>}
      <ProblemAlert error={connections.error} />
      {connections.loading && connections.items.length === 0 ? (
        <Loading label="Loading connections…" />
      ) : (
        <>
          {me?.mentorId && (
            <ConnectionGroup
              title="Students who asked you"
              empty="No requests from students yet."
              items={asMentor}
              side="mentor"
              onDone={onDone}
            />
          )}
          <ConnectionGroup
            title="Your mentors"
            empty="You have no mentors yet."
            items={asStudent}
            side="student"
            onDone={onDone}
          />
          {connections.hasMore && (
            <button type="button" className="button" onClick={connections.loadMore}>
              Load more connections
            </button>
          )}
        </>
      )}
    </section>
  );
}

interface GroupProps {
  title: string;
  empty: string;
  items: Connection[];
  side: "mentor" | "student";
  onDone: (action: Action) => void;
}

function ConnectionGroup({ title, empty, items, side, onDone }: GroupProps) {
  const id = `group-${side}`;
  return (
    <section className="group" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {items.length === 0 ? (
        <EmptyState title={empty}>
          {side === "student" && (
            <p>
              <Link to="/mentors">Find a mentor</Link> and request a connection.
            </p>
          )}
        </EmptyState>
      ) : (
        <ul className="card-list">
          {items.map((c) => (
            <li key={c.id}>
              <ConnectionCard connection={c} side={side} onDone={onDone} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

interface CardProps {
  connection: Connection;
  side: "mentor" | "student";
  onDone: (action: Action) => void;
}

function ConnectionCard({ connection: c, side, onDone }: CardProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const otherName = side === "mentor" ? c.student.name : c.mentor.name;
  const titleId = `connection-${c.id}`;

  async function act(action: Action) {
    setBusy(true);
    setError(null);
    try {
      await api.actOnConnection(c.id, action);
      onDone(action);
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  }

  return (
    <article className="card" aria-labelledby={titleId} data-connection-id={c.id}>
      <header className="card__header">
        <div>
          <h3 id={titleId} className="card__title">
            {otherName}
          </h3>
          <p className="muted">
            {side === "student"
              ? `${c.mentor.jobTitle} at ${c.mentor.company}`
              : (c.student.email ?? "Student")}
          </p>
        </div>
        <StatusBadge status={c.status} />
      </header>
      {c.message && (
        <blockquote className="quote">
          <span className="visually-hidden">Message: </span>
          {c.message}
        </blockquote>
      )}
      <p className="muted small">Requested {formatDate(c.createdAt, viewerTimeZone())}</p>
      <ProblemAlert error={error} />
      <div className="stack-row">
        {side === "mentor" && c.status === "PENDING" && (
          <>
            <button
              type="button"
              className="button button--primary"
              disabled={busy}
              onClick={() => void act("accept")}
            >
              Accept<span className="visually-hidden"> {otherName}</span>
            </button>
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => void act("decline")}
            >
              Decline<span className="visually-hidden"> {otherName}</span>
            </button>
          </>
        )}
        {side === "student" && c.status === "ACCEPTED" && (
          <Link className="button button--primary" to={`/sessions/book/${c.mentorId}`}>
            Book Session<span className="visually-hidden"> with {otherName}</span>
          </Link>
        )}
        {side === "student" && c.status === "PENDING" && (
          <p className="muted">Waiting for {otherName} to accept.</p>
        )}
        {(c.status === "ACCEPTED" || (side === "student" && c.status === "PENDING")) && (
          <button
            type="button"
            className="button button--danger"
            disabled={busy}
            onClick={() => void act("remove")}
          >
            {c.status === "PENDING" ? "Withdraw request" : "Remove"}
            <span className="visually-hidden"> ({otherName})</span>
          </button>
        )}
        {side === "mentor" && BLOCKABLE.has(c.status) && (
          <button
            type="button"
            className="button button--danger"
            disabled={busy}
            onClick={() => {
              if (window.confirm(`Block ${otherName}? They will not be able to ask you again.`)) {
                void act("block");
              }
            }}
          >
            Block<span className="visually-hidden"> {otherName}</span>
          </button>
        )}
        {side === "mentor" && c.status === "BLOCKED" && (
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => void act("unblock")}
          >
            Unblock<span className="visually-hidden"> {otherName}</span>
          </button>
        )}
      </div>
    </article>
  );
}
