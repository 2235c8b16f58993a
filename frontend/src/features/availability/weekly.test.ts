import { describe, expect, it } from "vitest";
import { errorsByRow, flatten, newRow, rowError, suggestRow, weekFrom } from "./weekly";

describe("weekly availability model", () => {
  it("flattens days in order and maps the API's weekly.N errors back to rows", () => {
    const week = weekFrom([
      { day: "TUE", start: "09:00", end: "12:00" },
      { day: "MON", start: "00:00", end: "24:00" },
      { day: "TUE", start: "11:00", end: "13:00" },
    ]);
    const { weekly, rowIds } = flatten(week);
    expect(weekly.map((w) => w.day)).toEqual(["MON", "TUE", "TUE"]);
    const errors = errorsByRow(
      { "weekly.2": "overlaps another window", "weekly.0.end": "bad time", timezone: "x" },
      rowIds,
    );
    expect(errors[week.TUE[1]!.id]).toBe("overlaps another window");
    expect(errors[week.MON[0]!.id]).toBe("end: bad time");
    expect(Object.keys(errors)).toHaveLength(2);
  });

  it("checks the format and order of a window", () => {
    expect(rowError(newRow("09:00", "24:00"))).toBeUndefined();
    expect(rowError(newRow("9", "10:00"))).toMatch(/24-hour/);
    expect(rowError(newRow("10:00", "09:00"))).toMatch(/after the start/);
  });

  it("suggests the hour after the last window", () => {
    expect(suggestRow([])).toMatchObject({ start: "09:00", end: "17:00" });
    expect(suggestRow([newRow("09:00", "23:30")])).toMatchObject({ start: "23:30", end: "24:00" });
  });
});
