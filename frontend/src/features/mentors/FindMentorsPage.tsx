import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { type ApiError, api, toApiError } from "../../api/api";
import type { Connection, Mentor } from "../../api/types";
import { useMe } from "../../auth/AuthContext";
import { TextAreaField } from "../../components/Field";
import { ProblemAlert } from "../../components/ProblemAlert";
import { EmptyState, Loading } from "../../components/States";
import { StatusBadge } from "../../components/StatusBadge";
import { usePaged } from "../../hooks/usePaged";
import { usePageTitle } from "../../lib/usePageTitle";
import { liveConnectionByMentor, useConnections } from "../connections/useConnections";

export function FindMentorsPage() {
  usePageTitle("Find Mentors");
  const me = useMe();
  const mentors = usePaged<Mentor>((cursor) => api.listMentors(cursor), []);
  const connections = useConnections();
  const byMentor = liveConnectionByMentor(connections.items, me?.id ?? "");

  return (
    <section aria-labelledby="mentors-title">
      <h1 id="mentors-title">Find Mentors</h1>
      <p className="lead">Request a connection; once the mentor accepts, you can book sessions.</p>
      <ProblemAlert error={mentors.error} />
      {mentors.items.length === 0 && mentors.loading && <Loading label="Loading mentors…" />}
      {mentors.items.length === 0 && !mentors.loading && !mentors.error && (
        <EmptyState title="No mentors yet">
          <p>
            Be the first: <Link to="/mentor-profile">become a mentor</Link>.
          </p>
        </EmptyState>
      )}
      <ul className="card-list" aria-label="Mentors">
        {mentors.items.map((mentor) => (
          <li key={mentor.id}>
            <MentorCard
              mentor={mentor}
              isMe={mentor.userId === me?.id}
              connection={byMentor.get(mentor.id)}
              connectionsKnown={!connections.loading || connections.items.length > 0}
              onConnected={connections.reload}
            />
          </li>
        ))}
      </ul>
      {mentors.hasMore && (
        <button
          type="button"
          className="button"
          onClick={mentors.loadMore}
          disabled={mentors.loading}
        >
          {mentors.loading ? "Loading…" : "Load more mentors"}
        </button>
      )}
    </section>
  );
}

interface CardProps {
  mentor: Mentor;
  isMe: boolean;
  connection: Connection | undefined;
  /** False until the caller's connections have loaded (the action depends on them). */
  connectionsKnown: boolean;
  onConnected: () => void;
}

function MentorCard(props: CardProps) {
  const { mentor, connection } = props;
  const titleId = `mentor-${mentor.id}`;
  return (
    <article className="card mentor" aria-labelledby={titleId} data-mentor-id={mentor.id}>
      <header className="card__header">
        <div>
          <h2 id={titleId} className="card__title">
            {mentor.name}
          </h2>
          <p className="muted">
            {mentor.jobTitle} at {mentor.company}
          </p>
        </div>
        {connection && <StatusBadge status={connection.status} />}
      </header>
      {mentor.bio && <p>{mentor.bio}</p>}
      {mentor.expertise.length > 0 && (
        <ul className="tags" aria-label={`${mentor.name}'s expertise`}>
          {mentor.expertise.map((skill) => (
            <li key={skill} className="tag">
              {skill}
            </li>
          ))}
        </ul>
      )}
      <p className="muted small">
        Time zone {mentor.timezone} · {mentor.totalSessions}{" "}
        {mentor.totalSessions === 1 ? "session" : "sessions"} booked
      </p>
      <MentorAction {...props} />
    </article>
  );
}

function MentorAction({ mentor, isMe, connection, connectionsKnown, onConnected }: CardProps) {
  if (isMe) return <p className="muted">This is your mentor profile.</p>;
  if (!connectionsKnown) return null;
  if (connection?.status === "ACCEPTED") {
    return (
      <Link className="button button--primary" to={`/sessions/book/${mentor.id}`}>
        Book Session
      </Link>
    );
  }
  if (connection?.status === "PENDING") {
    return <p className="muted">Request sent. Waiting for {mentor.name} to accept.</p>;
  }
  return <ConnectForm mentor={mentor} onConnected={onConnected} />;
}

function ConnectForm({ mentor, onConnected }: { mentor: Mentor; onConnected: () => void }) {
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.requestConnection({ mentorId: mentor.id, message: message.trim() || null });
      onConnected();
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  }

  if (!open) {
    return (
      <button type="button" className="button button--primary" onClick={() => setOpen(true)}>
        Request connection
      </button>
    );
  }
  return (
    <form className="inline-form" onSubmit={onSubmit} aria-label={`Connect with ${mentor.name}`}>
      <TextAreaField
        label={`Message to ${mentor.name} (optional)`}
        maxLength={1000}
        autoFocus
        value={message}
        onChange={(e) => setMessage(e.target.value)}
        error={error?.fieldErrors().message}
      />
      <ProblemAlert error={error} />
      <div className="stack-row">
        <button type="submit" className="button button--primary" disabled={busy}>
          Send request
        </button>
        <button type="button" className="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
