import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { ProblemAlert } from "../components/ProblemAlert";
import { Loading } from "../components/States";
import { useAuth } from "./AuthContext";

/** Renders its children for a signed-in user whose record is loaded; else sends to sign-in. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { auth, me, meError, retryMe } = useAuth();
  const location = useLocation();
  if (!auth) {
    const from = location.pathname + location.search;
    return <Navigate to="/sign-in" replace state={{ from }} />;
  }
  if (meError) {
    return (
      <>
        <ProblemAlert error={meError} />
        <button type="button" className="button" onClick={retryMe}>
          Try again
        </button>
      </>
    );
  }
  if (!me) return <Loading label="Signing you in…" />;
  return <>{children}</>;
}
