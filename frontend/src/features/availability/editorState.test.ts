import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/api";
import type { Availability, FieldProblem } from "../../api/types";
import {
  type EditorAction,
  editorReducer,
  type EditorState,
  hasErrors,
  initialEditorState,
  NO_ERRORS,
  snapshotOf,
  validate,
} from "./editorState";
import { dateKey, toRequest } from "./overrides";
import { flatten, newRow } from "./weekly";

const LOADED: Availability = {
  mentorId: "m1",
  timezone: "Europe/Berlin",
  weekly: [
    { day: "MON", start: "09:00", end: "12:00" },
    { day: "MON", start: "13:00", end: "17:00" },
    { day: "WED", start: "10:00", end: "11:00" },
  ],
  minNoticeMinutes: 60,
  bufferMinutes: 15,
  dateOverrides: [
    { date: "2026-12-31", windows: [] },
    { date: "2026-12-24", windows: [{ start: "09:00", end: "12:00" }] },
  ],
  slots: [],
  bookedSlots: [],
};

const run = (state: EditorState, ...actions: EditorAction[]) =>
  actions.reduce(editorReducer, state);

function apiError(errors: Omit<FieldProblem, "in">[]): ApiError {
  return new ApiError({
    type: "about:blank",
    title: "Bad Request",
    status: 400,
    detail: "",
    code: "VALIDATION_ERROR",
    errors: errors.map((e) => ({ ...e, in: "body" })),
  });
}

describe("availability editor state", () => {
  it("starts from what was loaded: weekdays, overrides by date, notice as text", () => {
    const state = initialEditorState(LOADED);
    expect(state.week.MON.map((r) => [r.start, r.end])).toEqual([
      ["09:00", "12:00"],
      ["13:00", "17:00"],
    ]);
    expect(state.week.TUE).toEqual([]);
    expect(state.overrides.map((o) => o.date)).toEqual(["2026-12-24", "2026-12-31"]);
    expect(state).toMatchObject({
      timezone: "Europe/Berlin",
      minNotice: "60",
      buffer: 15,
      errors: NO_ERRORS,
      error: null,
      saved: null,
      busy: false,
    });
  });

  it("changes one day's windows, the rules and the overrides without touching the rest", () => {
    const start = initialEditorState(LOADED);
    const rows = [newRow("08:00", "09:00")];
    const next = run(
      start,
      { type: "setDay", day: "TUE", rows },
      { type: "setTimezone", timezone: "Asia/Tokyo" },
      { type: "setMinNotice", minNotice: "120" },
      { type: "setBuffer", buffer: 30 },
      { type: "setOverrides", overrides: [] },
    );
    expect(next.week.TUE).toBe(rows);
    expect(next.week.MON).toBe(start.week.MON);
    expect(next).toMatchObject({
      timezone: "Asia/Tokyo",
      minNotice: "120",
      buffer: 30,
      overrides: [],
    });
    // The state it came from is left as it was (a pure function).
    expect(start.week.TUE).toEqual([]);
    expect(start.timezone).toBe("Europe/Berlin");
  });

  it("copies Monday's windows to every day as new rows", () => {
    const start = initialEditorState(LOADED);
    const next = editorReducer(start, { type: "copyMondayToAll" });
    for (const rows of Object.values(next.week)) {
      expect(rows.map((r) => [r.start, r.end])).toEqual([
        ["09:00", "12:00"],
        ["13:00", "17:00"],
      ]);
    }
    const ids = Object.values(next.week).flatMap((rows) => rows.map((r) => r.id));
    expect(new Set(ids).size).toBe(14);
    expect(ids).not.toContain(start.week.MON[0]!.id);
  });

  it("finds bad windows, a bad minimum notice and bad overrides before sending", () => {
    const start = initialEditorState(LOADED);
    const bad = newRow("10:00", "09:00");
    const state = run(
      start,
      { type: "setDay", day: "FRI", rows: [bad] },
      { type: "setMinNotice", minNotice: "1.5" },
      { type: "setOverrides", overrides: [{ ...start.overrides[0]!, date: "" }] },
    );
    const errors = validate(state);
    expect(errors.rows).toEqual({ [bad.id]: "The end must be after the start." });
    expect(errors.fields).toEqual({
      minNoticeMinutes: "Whole minutes from 0 to 129600 (90 days).",
    });
    expect(errors.overrides).toEqual({ [dateKey(start.overrides[0]!.id)]: "Pick a date." });
    expect(hasErrors(errors)).toBe(true);

    for (const minNotice of ["", " ", "-15", "129601", "abc"]) {
      expect(validate({ ...start, minNotice }).fields.minNoticeMinutes).toBeDefined();
    }
    for (const minNotice of ["0", "129600", "45"]) {
      expect(validate({ ...start, minNotice }).fields).toEqual({});
    }
    expect(validate(start)).toEqual(NO_ERRORS);
    expect(hasErrors(validate(start))).toBe(false);
  });

  it("starts saving only when the client found nothing, clearing the last problem", () => {
    const failed = run(initialEditorState(LOADED), {
      type: "failed",
      error: apiError([]),
      rowIds: [],
      overrideIds: [],
    });
    expect(failed.error).not.toBeNull();

    const found = { ...NO_ERRORS, fields: { minNoticeMinutes: "Whole minutes" } };
    const refused = editorReducer(failed, { type: "submitted", errors: found });
    expect(refused).toMatchObject({ errors: found, error: null, busy: false });

    const sending = editorReducer(failed, { type: "submitted", errors: NO_ERRORS });
    expect(sending).toMatchObject({ errors: NO_ERRORS, error: null, busy: true });
  });

  it("remembers what was saved and sorts dates edited in place", () => {
    const start = initialEditorState(LOADED);
    const moved = [{ ...start.overrides[0]!, date: "2027-01-02" }, start.overrides[1]!];
    const edited = run(
      start,
      { type: "setOverrides", overrides: moved },
      { type: "submitted", errors: NO_ERRORS },
    );
    const snapshot = snapshotOf(edited);
    const saved = editorReducer(edited, { type: "saved", snapshot });
    expect(saved.busy).toBe(false);
    expect(saved.saved).toBe(snapshot);
    expect(saved.overrides.map((o) => o.date)).toEqual(["2026-12-31", "2027-01-02"]);
    // Sorting does not change what would be sent, so the form still equals the saved one...
    expect(snapshotOf(saved)).toBe(snapshot);
    // ...until something changes, and again once it is changed back.
    const changed = editorReducer(saved, { type: "setBuffer", buffer: 0 });
    expect(snapshotOf(changed)).not.toBe(saved.saved);
    expect(snapshotOf(editorReducer(changed, { type: "setBuffer", buffer: 15 }))).toBe(saved.saved);
  });

  it("puts the API's field errors next to their weekly rows and overrides", () => {
    const start = run(initialEditorState(LOADED), { type: "submitted", errors: NO_ERRORS });
    const { rowIds } = flatten(start.week);
    const { ids } = toRequest(start.overrides);
    const error = apiError([
      { field: "weekly.1.start", message: "overlaps" },
      { field: "dateOverrides.0.windows.0", message: "too short" },
      { field: "dateOverrides.1.date", message: "too far" },
      { field: "timezone", message: "unknown zone" },
    ]);
    const failed = editorReducer(start, {
      type: "failed",
      error,
      rowIds,
      overrideIds: ids,
    });
    expect(failed.busy).toBe(false);
    expect(failed.error).toBe(error);
    expect(failed.errors.fields.timezone).toBe("unknown zone");
    expect(failed.errors.rows).toEqual({ [start.week.MON[1]!.id]: "start: overlaps" });
    expect(failed.errors.overrides).toEqual({
      [start.overrides[0]!.windows[0]!.id]: "too short",
      [dateKey(start.overrides[1]!.id)]: "too far",
    });
  });
});
