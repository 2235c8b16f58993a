import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { type ApiError, api, toApiError } from "../../api/api";
import type { Mentor } from "../../api/types";
import { useAuth } from "../../auth/AuthContext";
import { SelectField, TextAreaField, TextField } from "../../components/Field";
import { Notice, ProblemAlert } from "../../components/ProblemAlert";
import { Loading } from "../../components/States";
import { useAsync } from "../../hooks/useAsync";
import { timeZones, viewerTimeZone } from "../../lib/time";
import { usePageTitle } from "../../lib/usePageTitle";

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
  const [company, setCompany] = useState(initial?.company ?? "");
  const [jobTitle, setJobTitle] = useState(initial?.jobTitle ?? "");
  const [bio, setBio] = useState(initial?.bio ?? "");
  const [expertise, setExpertise] = useState(initial?.expertise.join(", ") ?? "");
  const [timezone, setTimezone] = useState(initial?.timezone ?? viewerTimeZone());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const local: Record<string, string> = {};
    if (!company.trim()) local.company = "Enter your company.";
    if (!jobTitle.trim()) local.jobTitle = "Enter your job title.";
    setErrors(local);
    setError(null);
    setSaved(false);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      await api.saveMentorProfile({
        company: company.trim(),
        jobTitle: jobTitle.trim(),
        bio: bio.trim() || null,
        expertise: expertise
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean),
        timezone,
      });
      await refreshMe();
      setSaved(true);
    } catch (err) {
      const problem = toApiError(err);
      const fields = problem.fieldErrors();
      const expertiseError = Object.entries(fields).find(([k]) => k.startsWith("expertise"));
      setErrors({ ...fields, ...(expertiseError ? { expertise: expertiseError[1] } : {}) });
      setError(problem);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card" onSubmit={onSubmit} noValidate>
      <TextField
        label="Company"
        required
        maxLength={200}
        value={company}
        onChange={(e) => setCompany(e.target.value)}
        error={errors.company}
      />
      <TextField
        label="Job title"
        required
        maxLength={200}
        value={jobTitle}
        onChange={(e) => setJobTitle(e.target.value)}
        error={errors.jobTitle}
      />
      <TextAreaField
        label="About you"
        maxLength={2000}
        value={bio}
        onChange={(e) => setBio(e.target.value)}
        error={errors.bio}
      />
      <TextField
        label="Expertise"
        value={expertise}
        onChange={(e) => setExpertise(e.target.value)}
        error={errors.expertise}
        hint="Comma-separated, e.g. Python, System design (at most 20, each up to 50 characters)."
      />
      <SelectField
        label="Time zone"
        value={timezone}
        onChange={(e) => setTimezone(e.target.value)}
        error={errors.timezone}
      >
        {timeZones(timezone).map((zone) => (
          <option key={zone} value={zone}>
            {zone}
          </option>
        ))}
      </SelectField>
      <ProblemAlert error={error} />
      {saved && (
        <Notice>
          Profile saved. Next: <Link to="/availability">set your weekly availability</Link>.
        </Notice>
      )}
      <button type="submit" className="button button--primary" disabled={busy}>
        {busy ? "Saving…" : isMentor ? "Save profile" : "Become a mentor"}
      </button>
    </form>
  );
}
