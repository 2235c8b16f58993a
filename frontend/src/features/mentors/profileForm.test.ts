import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/api";
import type { FieldProblem, Mentor } from "../../api/types";
import {
  initialProfileState,
  type ProfileAction,
  profileReducer,
  type ProfileState,
  toRequest,
  validate,
} from "./profileForm";

const MENTOR: Pick<Mentor, "company" | "jobTitle" | "bio" | "expertise" | "timezone"> = {
  company: "ACME",
  jobTitle: "Engineer",
  bio: "Ten years of backend work.",
  expertise: ["Python", "System design"],
  timezone: "Europe/Berlin",
};

const run = (state: ProfileState, ...actions: ProfileAction[]) =>
  actions.reduce(profileReducer, state);

function apiError(errors: Omit<FieldProblem, "in">[]) {
  return new ApiError({
    type: "about:blank",
    title: "Bad Request",
    status: 400,
    detail: "",
    code: "VALIDATION_ERROR",
    errors: errors.map((e) => ({ ...e, in: "body" })),
  });
}

describe("mentor profile form state", () => {
  it("starts from the profile, or empty in the given zone for a new mentor", () => {
    expect(initialProfileState(MENTOR, "Asia/Tokyo")).toMatchObject({
      company: "ACME",
      jobTitle: "Engineer",
      bio: "Ten years of backend work.",
      expertise: "Python, System design",
      timezone: "Europe/Berlin",
      saved: false,
      busy: false,
    });
    expect(initialProfileState(null, "Asia/Tokyo")).toMatchObject({
      company: "",
      expertise: "",
      timezone: "Asia/Tokyo",
    });
  });

  it("asks for a company and a job title, and sends trimmed values", () => {
    const empty = initialProfileState(null, "UTC");
    expect(validate({ ...empty, company: " " })).toEqual({
      company: "Enter your company.",
      jobTitle: "Enter your job title.",
    });
    const state = run(empty, {
      type: "edit",
      patch: { company: " ACME ", jobTitle: "CTO", bio: "  ", expertise: " Go, ,Rust ,," },
    });
    expect(validate(state)).toEqual({});
    expect(toRequest(state)).toEqual({
      company: "ACME",
      jobTitle: "CTO",
      bio: null,
      expertise: ["Go", "Rust"],
      timezone: "UTC",
    });
  });

  it("saves only without errors, and says so once saved", () => {
    const start = initialProfileState(MENTOR, "UTC");
    const refused = profileReducer(start, { type: "submitted", errors: { company: "Enter" } });
    expect(refused).toMatchObject({ errors: { company: "Enter" }, busy: false, saved: false });

    const saved = run(start, { type: "submitted", errors: {} }, { type: "saved" });
    expect(saved).toMatchObject({ errors: {}, error: null, saved: true, busy: false });
    // Sending again hides the notice until that save is done.
    expect(profileReducer(saved, { type: "submitted", errors: {} })).toMatchObject({
      saved: false,
      busy: true,
    });
  });

  it("shows the API's errors by field, an expertise item's under Expertise", () => {
    const sending = profileReducer(initialProfileState(MENTOR, "UTC"), {
      type: "submitted",
      errors: {},
    });
    const error = apiError([
      { field: "expertise.1", message: "too long" },
      { field: "timezone", message: "unknown zone" },
    ]);
    const failed = profileReducer(sending, { type: "failed", error });
    expect(failed.errors).toEqual({
      "expertise.1": "too long",
      expertise: "too long",
      timezone: "unknown zone",
    });
    expect(failed.error).toBe(error);
    expect(failed.busy).toBe(false);
  });
});
