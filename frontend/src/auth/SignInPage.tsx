import { type FormEvent, useState } from "react";
import { useLocation, useNavigate } from "react-router";
import { type ApiError, api, toApiError } from "../api/api";
import { plainMessage } from "../api/problems";
import { TextField } from "../components/Field";
import { ProblemAlert } from "../components/ProblemAlert";
import { usePageTitle } from "../lib/usePageTitle";
import { useAuth } from "./AuthContext";

const DEMO_USERS = [
  { userId: "demo-mentor", name: "Maya Mentor", role: "demo mentor" },
  { userId: "demo-student", name: "Sam Student", role: "demo student" },
] as const;

const USER_ID = /^[A-Za-z0-9@._:|+=-]{1,128}$/;

function localOnlyMessage(error: ApiError): string {
  return error.status === 404
    ? "Local sign-in is only available when the API runs in the local stage (make run)."
    : plainMessage(error);
}

export function SignInPage() {
  usePageTitle("Sign in");
  const { signIn, expired } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? "/sessions";

  const [userId, setUserId] = useState("");
  const [name, setName] = useState("");
  const [userIdError, setUserIdError] = useState<string>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function signInAs(id: string, displayName?: string) {
    setBusy(true);
    setError(null);
    try {
      const { token, userId: signedIn } = await api.devToken({
        userId: id,
        name: displayName || null,
      });
      await signIn({ token, userId: signedIn });
      navigate(from, { replace: true });
    } catch (err) {
      const problem = toApiError(err);
      setUserIdError(problem.fieldErrors().userId);
      setError(problem);
    } finally {
      setBusy(false);
    }
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const id = userId.trim();
    if (!USER_ID.test(id)) {
      setUserIdError("Use 1–128 letters, digits or . _ - @ : | + = (no spaces).");
      return;
    }
    setUserIdError(undefined);
    void signInAs(id, name.trim());
  }

  return (
    <section className="narrow" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      <p className="lead">
        Local development sign-in: pick a demo user, or type any user id to act as a new user.
      </p>
      {expired && (
        <div className="alert alert--info" role="status">
          <p className="alert__title">Your sign-in expired. Please sign in again.</p>
        </div>
      )}
      {error && <ProblemAlert error={error} message={localOnlyMessage(error)} />}

      <div className="card">
        <h2>Demo users</h2>
        <div className="stack-row">
          {DEMO_USERS.map((user) => (
            <button
              key={user.userId}
              type="button"
              className="button button--primary"
              disabled={busy}
              onClick={() => void signInAs(user.userId, user.name)}
            >
              Sign in as {user.name} ({user.role})
            </button>
          ))}
        </div>
      </div>

      <form className="card" onSubmit={onSubmit} noValidate aria-labelledby="own-user-title">
        <h2 id="own-user-title">Another user</h2>
        <TextField
          label="User id"
          name="userId"
          required
          autoComplete="username"
          value={userId}
          onChange={(e) => setUserId(e.target.value)}
          error={userIdError}
          hint="A new id creates a new user the first time it signs in."
        />
        <TextField
          label="Name (optional)"
          name="name"
          autoComplete="name"
          maxLength={200}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="button button--primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </section>
  );
}
