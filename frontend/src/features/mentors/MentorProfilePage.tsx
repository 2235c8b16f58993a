import { type FormEvent, useReducer, useState } from "react";
import { Link } from "react-router";
import { api, toApiError } from "../../api/api";
import type { Mentor } from "../../api/types";
import { useAuth } from "../../auth/AuthContext";
import { SelectField, TextAreaField, TextField } from "../../components/Field";
import { Notice, ProblemAlert } from "../../components/ProblemAlert";
import { Loading } from "../../components/States";
import { useAsync } from "../../hooks/useAsync";
import { timeZones, viewerTimeZone } from "../../lib/time";
import { usePageTitle } from "../../lib/usePageTitle";
import { initialProfileState, profileReducer, toRequest, validate } from "./profileForm";

export function MentorProfilePage() {
  const { me } = useAuth();
  const isMentor = Boolean(me?.mentorId);
  usePageTitle(isMentor ? "Mentor Profile" : "Become a Mentor");
  // Loaded once, for the profile there was on arrival; saving keeps the form as it is.
  const [hadProfile] = useState(isMentor);
  const profile = useAsync<Mentor>(() => (hadProfile ? api.myMentorProfile() : null), [hadProfile]);

  return (
    <section className="narrow" aria-labelledby="profile-title">
      <h1 id="profile-title">{isMentor ? "Your mentor profile" : "Become a mentor"}</h1>
      <p className="lead">
        {isMentor
          ? "What students see about you in Find Mentors."
          : "Tell students who you are; then set the weekly hours they can book."}
      </p>
      <ProblemAlert error={profile.error} />
      {hadProfile && !profile.data && !profile.error ? (
        <Loading />
      ) : (
        <ProfileForm initial={profile.data} isMentor={isMentor} />
      )}
    </section>
  );
}

function ProfileForm({ initial, isMentor }: { initial: Mentor | null; isMentor: boolean }) {
  const { refreshMe } = useAuth();
  const [state, dispatch] = useReducer(profileReducer, initial, (mentor) =>
    initialProfileState(mentor, viewerTimeZone()),
  );
  const { company, jobTitle, bio, expertise, timezone, errors } = state;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const local = validate(state);
    dispatch({ type: "submitted", errors: local });
    if (Object.keys(local).length) return;
    try {
      await api.saveMentorProfile(toRequest(state));
      await refreshMe();
      dispatch({ type: "saved" });
    } catch (err) {
      dispatch({ type: "failed", error: toApiError(err) });
    }
  }

  return (
    <form className="card" onSubmit={onSubmit} noValidate>
      <TextField
        label="Company"
        required
        maxLength={200}
        value={company}
        onChange={(e) => dispatch({ type: "edit", patch: { company: e.target.value } })}
        error={errors.company}
      />
      <TextField
        label="Job title"
        required
        maxLength={200}
        value={jobTitle}
        onChange={(e) => dispatch({ type: "edit", patch: { jobTitle: e.target.value } })}
        error={errors.jobTitle}
      />
      <TextAreaField
        label="About you"
        maxLength={2000}
        value={bio}
        onChange={(e) => dispatch({ type: "edit", patch: { bio: e.target.value } })}
        error={errors.bio}
      />
      <TextField
        label="Expertise"
        value={expertise}
        onChange={(e) => dispatch({ type: "edit", patch: { expertise: e.target.value } })}
        error={errors.expertise}
        hint="Comma-separated, e.g. Python, System design (at most 20, each up to 50 characters)."
      />
      <SelectField
        label="Time zone"
        value={timezone}
        onChange={(e) => dispatch({ type: "edit", patch: { timezone: e.target.value } })}
        error={errors.timezone}
      >
        {timeZones(timezone).map((zone) => (
          <option key={zone} value={zone}>
            {zone}
          </option>
        ))}
      </SelectField>
      <ProblemAlert error={state.error} />
      {state.saved && (
        <Notice>
          Profile saved. Next: <Link to="/availability">set your weekly availability</Link>.
        </Notice>
      )}
      <button type="submit" className="button button--primary" disabled={state.busy}>
        {state.busy ? "Saving…" : isMentor ? "Save profile" : "Become a mentor"}
      </button>
    </form>
  );
}
