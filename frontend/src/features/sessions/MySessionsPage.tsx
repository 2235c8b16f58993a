import { type KeyboardEvent, useEffect, useRef, useState } from "react";
import { Link, useLocation, useNavigate, useSearchParams } from "react-router";
import { api } from "../../api/api";
import type { MentorSession, SessionTab } from "../../api/types";
import { useMe } from "../../auth/AuthContext";
import { Notice, ProblemAlert } from "../../components/ProblemAlert";
import { EmptyState, Loading } from "../../components/States";
import { usePaged } from "../../hooks/usePaged";
import { usePageTitle } from "../../lib/usePageTitle";
import { SessionCard } from "./SessionCard";

const TABS: readonly { id: SessionTab; label: string; empty: string }[] = [
  { id: "upcoming", label: "Upcoming", empty: "No upcoming sessions." },
  { id: "past", label: "Past", empty: "No past sessions yet." },
  { id: "cancelled", label: "Cancelled", empty: "No cancelled sessions." },
];

function isTab(value: string | null): value is SessionTab {
  return TABS.some((t) => t.id === value);
}

export function MySessionsPage() {
  usePageTitle("My Sessions");
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const raw = params.get("tab");
  const tab: SessionTab = isTab(raw) ? raw : "upcoming";
  const [notice, setNotice] = useState<string | null>(
    (location.state as { notice?: string } | null)?.notice ?? null,
  );
  const sessions = usePaged<MentorSession>((cursor) => api.mySessions(tab, cursor), [tab]);
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});
  const current = TABS.find((t) => t.id === tab) ?? TABS[0]!;

  // The notice came with the navigation: forget it there, so a reload does not repeat it.
  useEffect(() => {
    if (location.state) navigate({ search: location.search }, { replace: true, state: null });
  }, [location.state, location.search, navigate]);

  const select = (next: SessionTab, focus = false) => {
    setParams({ tab: next }, { replace: true });
    setNotice(null);
    if (focus) tabRefs.current[next]?.focus();
  };

  // Arrow keys move between tabs (the ARIA tabs pattern).
  const onKeyDown = (event: KeyboardEvent) => {
    const index = TABS.findIndex((t) => t.id === tab);
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    let next: number | undefined;
    if (step) next = (index + step + TABS.length) % TABS.length;
    if (event.key === "Home") next = 0;
    if (event.key === "End") next = TABS.length - 1;
    if (next === undefined) return;
    event.preventDefault();
    select(TABS[next]!.id, true);
  };

  return (
    <section aria-labelledby="sessions-title">
      <div className="page-head">
        <h1 id="sessions-title">My Sessions</h1>
        <Link className="button" to="/connections">
          Book a session
        </Link>
      </div>
      {notice && <Notice>{notice}</Notice>}
      <div className="tabs" role="tablist" aria-label="Sessions" onKeyDown={onKeyDown}>
        {TABS.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              tabRefs.current[t.id] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            className="tab"
            aria-selected={t.id === tab}
            aria-controls="sessions-panel"
            tabIndex={t.id === tab ? 0 : -1}
            onClick={() => select(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="sessions-panel" aria-labelledby={`tab-${tab}`} className="tabpanel">
        <ProblemAlert error={sessions.error} />
        {sessions.loading && sessions.items.length === 0 ? (
          <Loading label="Loading sessions…" />
        ) : sessions.items.length === 0 && !sessions.error ? (
          <EmptyState title={current.empty}>
            {tab === "upcoming" && (
              <p>
                Go to <Link to="/connections">My Connections</Link> to book a session with a mentor.
              </p>
            )}
          </EmptyState>
        ) : (
          <ul className="card-list" aria-label={`${current.label} sessions`}>
            {sessions.items.map((s) => (
              <li key={s.id}>
                <SessionCard
                  session={s}
                  myUserId={me?.id ?? ""}
                  onChanged={(message) => {
                    setNotice(message);
                    sessions.reload();
                  }}
                />
              </li>
            ))}
          </ul>
        )}
        {sessions.hasMore && (
          <button
            type="button"
            className="button"
            onClick={sessions.loadMore}
            disabled={sessions.loading}
          >
            {sessions.loading ? "Loading…" : "Load more sessions"}
          </button>
        )}
      </div>
    </section>
  );
}
