import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/api";
import type { FieldProblem } from "../../api/types";
import {
  type BookingAction,
  bookingReducer,
  type BookingState,
  initialBookingState,
  TAKEN,
  validate,
} from "./bookingForm";

const SLOT = { start: "2026-12-03T15:00:00Z", end: "2026-12-03T16:00:00Z" };

const run = (state: BookingState, ...actions: BookingAction[]) =>
  actions.reduce(bookingReducer, state);

function apiError(status: number, code: string, errors: Omit<FieldProblem, "in">[] = []) {
  return new ApiError({
    type: "about:blank",
    title: code,
    status,
    detail: "",
    code,
    errors: errors.map((e) => ({ ...e, in: "body" })),
  });
}

/** A form with a title and a slot, sent. */
const sending = run(
  initialBookingState,
  { type: "edit", patch: { title: "Career chat" } },
  { type: "select", slot: SLOT },
  { type: "submitted", errors: {} },
);

describe("Book Session form state", () => {
  it("starts empty: 60 minutes, video, no slot", () => {
    expect(initialBookingState).toMatchObject({
      slot: null,
      title: "",
      duration: 60,
      sessionType: "VIDEO",
      refresh: 0,
      busy: false,
    });
  });

  it("edits the details without touching the rest", () => {
    const next = run(
      initialBookingState,
      { type: "edit", patch: { title: "T", description: "D" } },
      { type: "edit", patch: { duration: 30, sessionType: "VOICE", agendaNotes: "A" } },
    );
    expect(next).toEqual({
      ...initialBookingState,
      title: "T",
      description: "D",
      duration: 30,
      sessionType: "VOICE",
      agendaNotes: "A",
    });
    expect(initialBookingState.title).toBe("");
  });

  it("asks for a title and a time before sending", () => {
    expect(validate(initialBookingState)).toEqual({
      title: "Give the session a title.",
      scheduledAt: "Pick a time in the calendar.",
    });
    expect(validate({ ...initialBookingState, title: "  " }).title).toBeDefined();
    expect(validate({ ...initialBookingState, title: "Chat", slot: SLOT })).toEqual({});
  });

  it("starts booking only with a slot and no errors, clearing the last problems", () => {
    const failed = run(sending, { type: "failed", error: apiError(500, "INTERNAL") });
    expect(failed.formError).not.toBeNull();

    const refused = bookingReducer(failed, { type: "submitted", errors: { title: "Give" } });
    expect(refused).toMatchObject({
      fieldErrors: { title: "Give" },
      formError: null,
      slotProblem: null,
      busy: false,
    });
    const noSlot = run(failed, { type: "select", slot: null }, { type: "submitted", errors: {} });
    expect(noSlot.busy).toBe(false);

    expect(bookingReducer(failed, { type: "submitted", errors: {} })).toMatchObject({
      fieldErrors: {},
      formError: null,
      busy: true,
    });
  });

  it("on SLOT_UNAVAILABLE drops the slot, reloads the calendar and says it was just taken", () => {
    const error = apiError(409, "SLOT_UNAVAILABLE");
    const next = bookingReducer(sending, { type: "failed", error });
    expect(next).toMatchObject({
      slot: null,
      refresh: sending.refresh + 1,
      slotProblem: { error, message: TAKEN },
      formError: null,
      busy: false,
    });
    // Picking another time puts the message away; clearing the pick does not (nothing changes).
    expect(bookingReducer(next, { type: "select", slot: null })).toBe(next);
    expect(bookingReducer(next, { type: "select", slot: SLOT })).toMatchObject({
      slot: SLOT,
      slotProblem: null,
    });
  });

  it("treats a time outside the availability or a scheduledAt error as a problem with the time", () => {
    for (const error of [
      apiError(422, "OUTSIDE_AVAILABILITY"),
      apiError(400, "VALIDATION_ERROR", [{ field: "scheduledAt", message: "in the past" }]),
    ]) {
      const next = bookingReducer(sending, { type: "failed", error });
      expect(next.slot).toBeNull();
      expect(next.refresh).toBe(sending.refresh + 1);
      expect(next.slotProblem).toEqual({ error });
      expect(next.formError).toBeNull();
      expect(next.busy).toBe(false);
    }
  });

  it("shows other problems with the form and its fields, keeping the slot", () => {
    const error = apiError(400, "VALIDATION_ERROR", [{ field: "title", message: "too long" }]);
    const next = bookingReducer(sending, { type: "failed", error });
    expect(next).toMatchObject({
      slot: SLOT,
      refresh: sending.refresh,
      fieldErrors: { title: "too long" },
      slotProblem: null,
      formError: error,
      busy: false,
    });
  });
});
