import { describe, expect, it } from "vitest";
import {
  addOverride,
  addProblem,
  dateKey,
  errorsByOverride,
  isDateKey,
  nextFreeDate,
  overrideErrors,
  overridesFrom,
  setUnavailable,
  toRequest,
} from "./overrides";
import { newRow } from "./weekly";

describe("date-specific hours model", () => {
  it("sorts saved overrides by date and sends them back in date order", () => {
    const rows = overridesFrom([
      { date: "2026-12-31", windows: [] },
      { date: "2026-12-24", windows: [{ start: "09:00", end: "12:00" }] },
    ]);
    expect(rows.map((r) => r.date)).toEqual(["2026-12-24", "2026-12-31"]);
    const edited = [{ ...rows[0]!, date: "2027-01-02" }, rows[1]!];
    expect(toRequest(edited).dateOverrides).toEqual([
      { date: "2026-12-31", windows: [] },
      { date: "2027-01-02", windows: [{ start: "09:00", end: "12:00" }] },
    ]);
  });

  it("suggests the next date without an override and refuses a second one for a date", () => {
    const rows = overridesFrom([
      { date: "2026-12-02", windows: [] },
      { date: "2026-12-03", windows: [] },
    ]);
    expect(nextFreeDate("2026-12-02", rows)).toBe("2026-12-04");
    expect(nextFreeDate("2026-12-01", rows)).toBe("2026-12-01");
    expect(addProblem(rows, "2026-12-03")).toMatch(/already has date-specific hours/);
    expect(addProblem(rows, "")).toBe("Pick a date first.");
    expect(addProblem(rows, "2026-12-05")).toBeUndefined();
    const added = addOverride(rows, "2026-12-01");
    expect(added.map((r) => r.date)).toEqual(["2026-12-01", "2026-12-02", "2026-12-03"]);
    expect(added[0]!.windows).toMatchObject([{ start: "09:00", end: "17:00" }]);
  });

  it("checks dates: real calendar dates only", () => {
    expect(isDateKey("2028-02-29")).toBe(true);
    expect(isDateKey("2026-02-30")).toBe(false);
    expect(isDateKey("2026-2-3")).toBe(false);
  });

  it("keeps the windows a day off cleared and brings them back", () => {
    const [row] = overridesFrom([
      { date: "2026-12-24", windows: [{ start: "09:00", end: "12:00" }] },
    ]);
    const off = { ...row!, ...setUnavailable(row!, true) };
    expect(off.windows).toEqual([]);
    const back = { ...off, ...setUnavailable(off, false) };
    expect(back.windows).toMatchObject([{ start: "09:00", end: "12:00" }]);
  });

  it("finds bad times, overlaps, missing and repeated dates before sending", () => {
    const a = { id: "a", date: "2026-12-24", windows: [newRow("09:00", "12:00")] };
    const b = {
      id: "b",
      date: "2026-12-24",
      windows: [newRow("13:00", "15:00"), newRow("11:00", "14:00"), newRow("9", "10:00")],
    };
    const c = { id: "c", date: "", windows: [] };
    const errors = overrideErrors([a, b, c]);
    expect(errors[dateKey("a")]).toMatch(/same/);
    expect(errors[dateKey("b")]).toMatch(/same/);
    expect(errors[dateKey("c")]).toBe("Pick a date.");
    expect(errors[b.windows[0]!.id]).toMatch(/Overlaps/);
    expect(errors[b.windows[1]!.id]).toBeUndefined();
    expect(errors[b.windows[2]!.id]).toMatch(/24-hour/);
    expect(errors[a.windows[0]!.id]).toBeUndefined();
  });

  it("maps the API's dateOverrides.N fields to dates and windows", () => {
    const ids = [
      { id: "x", windowIds: ["x0", "x1"] },
      { id: "y", windowIds: [] },
    ];
    expect(
      errorsByOverride(
        {
          "dateOverrides.0.windows.1": "overlaps another window on the same day",
          "dateOverrides.0.windows.0.end": "bad time",
          "dateOverrides.1.date": "another override has this date",
          "dateOverrides.1.windows": "at most 48",
          "dateOverrides.7.date": "no such index",
          "weekly.0": "not mine",
        },
        ids,
      ),
    ).toEqual({
      x1: "overlaps another window on the same day",
      x0: "end: bad time",
      [dateKey("y")]: "another override has this date",
      y: "at most 48",
    });
  });
});
