/**
 * The availability editor's state: the form's values, its errors and the save's progress,
 * changed only through `editorReducer`: a pure function (no I/O, no clock; the one thing it
 * makes is fresh row ids for the windows "Copy Monday to every day" creates).
 */
import type { ApiError } from "../../api/api";
import type { Availability, Weekday } from "../../api/types";
import {
  errorsByOverride,
  overrideErrors,
  type OverrideRow,
  overridesFrom,
  sortOverrides,
  toRequest,
} from "./overrides";
import {
  emptyWeek,
  errorsByRow,
  flatten,
  newRow,
  rowError,
  type WindowRow,
  WEEKDAYS,
  type Week,
  weekFrom,
} from "./weekly";

/** Messages by key: fields by name, window rows by row id, overrides by override id. */
export interface EditorErrors {
  fields: Record<string, string>;
  rows: Record<string, string>;
  overrides: Record<string, string>;
}

export interface EditorState {
  week: Week;
  timezone: string;
  /** As typed (a number field may hold anything while editing). */
  minNotice: string;
  buffer: number;
  overrides: OverrideRow[];
  errors: EditorErrors;
  /** The failed save's problem, shown above the button. */
  error: ApiError | null;
  /** The snapshot last saved: the "saved" notice shows while the form still equals it. */
  saved: string | null;
  busy: boolean;
}

export type EditorAction =
  | { type: "setDay"; day: Weekday; rows: WindowRow[] }
  | { type: "copyMondayToAll" }
  | { type: "setOverrides"; overrides: OverrideRow[] }
  | { type: "setTimezone"; timezone: string }
  | { type: "setMinNotice"; minNotice: string }
  | { type: "setBuffer"; buffer: number }
  /** Submitted with the client's own findings; saving starts when there are none. */
  | { type: "submitted"; errors: EditorErrors }
  /** Saved what `snapshot` describes. */
  | { type: "saved"; snapshot: string }
  /** The API refused; `rowIds`/`overrideIds` are the request's order (for indexed fields). */
  | {
      type: "failed";
      error: ApiError;
      rowIds: readonly string[];
      overrideIds: readonly { id: string; windowIds: readonly string[] }[];
    };

export const NO_ERRORS: EditorErrors = { fields: {}, rows: {}, overrides: {} };

export const MAX_MIN_NOTICE = 129600;

export function initialEditorState(initial: Availability): EditorState {
  return {
    week: weekFrom(initial.weekly),
    timezone: initial.timezone,
    minNotice: String(initial.minNoticeMinutes),
    buffer: initial.bufferMinutes,
    overrides: overridesFrom(initial.dateOverrides),
    errors: NO_ERRORS,
    error: null,
    saved: null,
    busy: false,
  };
}

/** What the form would save, as a string to compare (the "saved" notice). */
export function snapshotOf(state: EditorState): string {
  return JSON.stringify([
    flatten(state.week).weekly,
    state.timezone,
    state.minNotice,
    state.buffer,
    toRequest(state.overrides).dateOverrides,
  ]);
}

/** Problems the client finds before sending. */
export function validate(state: EditorState): EditorErrors {
  const rows: Record<string, string> = {};
  for (const { day } of WEEKDAYS) {
    for (const row of state.week[day]) {
      const problem = rowError(row);
      if (problem) rows[row.id] = problem;
    }
  }
  const fields: Record<string, string> = {};
  const notice = Number(state.minNotice);
  if (
    state.minNotice.trim() === "" ||
    !Number.isInteger(notice) ||
    notice < 0 ||
    notice > MAX_MIN_NOTICE
  ) {
    fields.minNoticeMinutes = "Whole minutes from 0 to 129600 (90 days).";
  }
  return { rows, overrides: overrideErrors(state.overrides), fields };
}

export function hasErrors(errors: EditorErrors): boolean {
  return [errors.rows, errors.overrides, errors.fields].some((e) => Object.keys(e).length > 0);
}

/** Every weekday gets Monday's windows (as new rows). */
function copyMonday(week: Week): Week {
  const next = emptyWeek();
  for (const { day } of WEEKDAYS) next[day] = week.MON.map((r) => newRow(r.start, r.end));
  return next;
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case "setDay":
      return { ...state, week: { ...state.week, [action.day]: action.rows } };
    case "copyMondayToAll":
      return { ...state, week: copyMonday(state.week) };
    case "setOverrides":
      return { ...state, overrides: action.overrides };
    case "setTimezone":
      return { ...state, timezone: action.timezone };
    case "setMinNotice":
      return { ...state, minNotice: action.minNotice };
    case "setBuffer":
      return { ...state, buffer: action.buffer };
    case "submitted":
      return { ...state, errors: action.errors, error: null, busy: !hasErrors(action.errors) };
    case "saved":
      // Dates edited in place move to their place in the list once saved.
      return {
        ...state,
        saved: action.snapshot,
        overrides: sortOverrides(state.overrides),
        busy: false,
      };
    case "failed": {
      const fields = action.error.fieldErrors();
      return {
        ...state,
        errors: {
          fields,
          rows: errorsByRow(fields, action.rowIds),
          overrides: errorsByOverride(fields, action.overrideIds),
        },
        error: action.error,
        busy: false,
      };
    }
  }
}
