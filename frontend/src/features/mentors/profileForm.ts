/**
 * The mentor profile form's state: the fields, the errors and the save's progress, changed
 * only through `profileReducer` (a pure function: no I/O, no clock).
 */
import type { ApiError } from "../../api/api";
import type { Mentor, MentorProfileRequest } from "../../api/types";

/** The fields as typed (expertise comma-separated). */
export interface ProfileFields {
  company: string;
  jobTitle: string;
  bio: string;
  expertise: string;
  timezone: string;
}

export interface ProfileState extends ProfileFields {
  /** Messages by field name. */
  errors: Record<string, string>;
  /** The failed save's problem. */
  error: ApiError | null;
  saved: boolean;
  busy: boolean;
}

export type ProfileAction =
  | { type: "edit"; patch: Partial<ProfileFields> }
  /** Submitted with the client's own findings; saving starts when there are none. */
  | { type: "submitted"; errors: Record<string, string> }
  | { type: "saved" }
  | { type: "failed"; error: ApiError };

/** The form for `initial` (or empty, in `defaultZone`, for a new mentor). */
export function initialProfileState(
  initial: Pick<Mentor, keyof ProfileFields> | null,
  defaultZone: string,
): ProfileState {
  return {
    company: initial?.company ?? "",
    jobTitle: initial?.jobTitle ?? "",
    bio: initial?.bio ?? "",
    expertise: initial?.expertise.join(", ") ?? "",
    timezone: initial?.timezone ?? defaultZone,
    errors: {},
    error: null,
    saved: false,
    busy: false,
  };
}

/** Problems the client finds before sending. */
export function validate(fields: ProfileFields): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!fields.company.trim()) errors.company = "Enter your company.";
  if (!fields.jobTitle.trim()) errors.jobTitle = "Enter your job title.";
  return errors;
}

/** The `PUT /mentors/me` body: trimmed, no empty bio, expertise as a list. */
export function toRequest(fields: ProfileFields): MentorProfileRequest {
  return {
    company: fields.company.trim(),
    jobTitle: fields.jobTitle.trim(),
    bio: fields.bio.trim() || null,
    expertise: fields.expertise
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    timezone: fields.timezone,
  };
}

/** The API's field errors; any `expertise.N` one is shown under the expertise field. */
function errorsOf(error: ApiError): Record<string, string> {
  const fields = error.fieldErrors();
  const expertiseError = Object.entries(fields).find(([k]) => k.startsWith("expertise"));
  return { ...fields, ...(expertiseError ? { expertise: expertiseError[1] } : {}) };
}

export function profileReducer(state: ProfileState, action: ProfileAction): ProfileState {
  switch (action.type) {
    case "edit":
      return { ...state, ...action.patch };
    case "submitted":
      return {
        ...state,
        errors: action.errors,
        error: null,
        saved: false,
        busy: Object.keys(action.errors).length === 0,
      };
    case "saved":
      return { ...state, saved: true, busy: false };
    case "failed":
      return { ...state, errors: errorsOf(action.error), error: action.error, busy: false };
  }
}
