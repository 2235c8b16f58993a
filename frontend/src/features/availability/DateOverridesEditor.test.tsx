import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import axe from "axe-core";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AvailabilityRequest } from "../../api/types";
import { AuthProvider } from "../../auth/AuthContext";
import { saveAuth } from "../../auth/storage";
import { ClockProvider } from "../../lib/clock";
import { mockFetch, problem } from "../../test/fetch";
import { AvailabilityPage } from "./AvailabilityPage";
import type { DateOverride } from "./overrides";

// Wednesday 2 December 2026, 11:00 in Berlin.
const NOW = Date.parse("2026-12-02T10:00:00Z");

const SAVED: DateOverride[] = [
  // Not in date order, as another client may have saved them.
  { date: "2026-12-31", windows: [] },
  { date: "2026-12-24", windows: [{ start: "09:00", end: "12:00" }] },
];

type Answer = (body: AvailabilityRequest) => unknown;

/** The availability page of mentor m1 (Europe/Berlin); every POST body lands in `sent`. */
async function renderPage(answer: Answer = (body) => ({ mentorId: "m1", ...body })) {
  saveAuth({ token: "t", userId: "u1" });
  const sent: AvailabilityRequest[] = [];
  mockFetch((url, init) => {
    if (url.pathname === "/api/v1/me") {
      return { id: "u1", name: "Maya", email: null, timezone: "Europe/Berlin", mentorId: "m1" };
    }
    if (url.pathname === "/api/v1/sessions/availability/m1") {
      return {
        mentorId: "m1",
        timezone: "Europe/Berlin",
        weekly: [{ day: "MON", start: "09:00", end: "17:00" }],
        minNoticeMinutes: 60,
        bufferMinutes: 15,
        dateOverrides: SAVED,
        slots: [],
        bookedSlots: [],
      };
    }
    if (url.pathname === "/api/v1/sessions/availability" && init.method === "POST") {
      const body = JSON.parse(String(init.body)) as AvailabilityRequest;
      sent.push(body);
      return answer(body);
    }
    throw new Error(`unexpected ${init.method ?? "GET"} ${url.pathname}`);
  });
  const user = userEvent.setup();
  render(
    <ClockProvider value={() => NOW}>
      <AuthProvider>
        <MemoryRouter>
          <AvailabilityPage />
        </MemoryRouter>
      </AuthProvider>
    </ClockProvider>,
  );
  const section = await screen.findByRole("region", { name: "Date-specific hours" });
  return { user, sent, section: within(section) };
}

/** The dates listed, in the order shown. */
function listedDates(): string[] {
  return Array.from(document.querySelectorAll<HTMLElement>("li.override"), (li) => {
    return li.dataset.date ?? "";
  });
}

const save = () => screen.getByRole("button", { name: "Save availability" });

afterEach(() => {
  vi.unstubAllGlobals();
  saveAuth(null);
});

describe("Date-specific hours", () => {
  it("lists the saved overrides by date, and a day off as unavailable all day", async () => {
    const { section } = await renderPage();
    expect(listedDates()).toEqual(["2026-12-24", "2026-12-31"]);
    expect(
      section.getByRole("checkbox", { name: "Unavailable all day on 2026-12-31" }),
    ).toBeChecked();
    expect(
      section.getByRole("checkbox", { name: "Unavailable all day on 2026-12-24" }),
    ).not.toBeChecked();
    expect(section.getByLabelText("Start time for 2026-12-24, window 1")).toHaveValue("09:00");
    expect(section.getByLabelText("End time for 2026-12-24, window 1")).toHaveValue("12:00");
    expect(section.queryByLabelText(/Start time for 2026-12-31/)).not.toBeInTheDocument();
    expect(screen.queryByText(/kept as they are/)).not.toBeInTheDocument();
  });

  it("adds the next free date with 09:00–17:00, in date order, and focuses its first time", async () => {
    const { user, section, sent } = await renderPage();
    const newDate = section.getByLabelText("New date");
    // Today in Berlin has no override yet.
    expect(newDate).toHaveValue("2026-12-02");
    await user.click(section.getByRole("button", { name: "Add a date" }));

    expect(listedDates()).toEqual(["2026-12-02", "2026-12-24", "2026-12-31"]);
    const start = section.getByLabelText("Start time for 2026-12-02, window 1");
    expect(start).toHaveValue("09:00");
    expect(section.getByLabelText("End time for 2026-12-02, window 1")).toHaveValue("17:00");
    expect(start).toHaveFocus();
    // The suggestion moves on to the next date without hours.
    expect(newDate).toHaveValue("2026-12-03");

    // Enter in the new date adds that date; it does not save the form.
    await user.clear(newDate);
    await user.type(newDate, "2027-01-15{Enter}");
    expect(listedDates()).toEqual(["2026-12-02", "2026-12-24", "2026-12-31", "2027-01-15"]);
    expect(sent).toHaveLength(0);
  });

  it("refuses a second override for a date, from the add control and from a date input", async () => {
    const { user, section, sent } = await renderPage();
    const newDate = section.getByLabelText("New date");
    await user.clear(newDate);
    await user.type(newDate, "2026-12-24");
    await user.click(section.getByRole("button", { name: "Add a date" }));
    expect(section.getByRole("alert")).toHaveTextContent(
      "2026-12-24 already has date-specific hours",
    );
    expect(newDate).toHaveAttribute("aria-invalid", "true");
    expect(listedDates()).toEqual(["2026-12-24", "2026-12-31"]);

    // Moving an existing override onto another's date is flagged and not sent.
    const second = section.getByLabelText("Date 2");
    await user.clear(second);
    await user.type(second, "2026-12-24");
    expect(section.getAllByText(/each date can appear once/)).toHaveLength(2);
    await user.click(save());
    expect(sent).toHaveLength(0);
    expect(section.getByLabelText("Date 1")).toHaveAccessibleDescription(
      /each date can appear once/,
    );
  });

  it("marks a day unavailable and brings its windows back", async () => {
    const { user, section } = await renderPage();
    const off = section.getByRole("checkbox", { name: "Unavailable all day on 2026-12-24" });
    await user.click(off);
    expect(off).toBeChecked();
    expect(section.queryByLabelText("Start time for 2026-12-24, window 1")).not.toBeInTheDocument();

    await user.click(off);
    expect(off).not.toBeChecked();
    expect(section.getByLabelText("Start time for 2026-12-24, window 1")).toHaveValue("09:00");
    expect(section.getByLabelText("End time for 2026-12-24, window 1")).toHaveValue("12:00");
  });

  it("adds and removes windows; removing the last one makes the day unavailable", async () => {
    const { user, section } = await renderPage();
    await user.click(section.getByRole("button", { name: "Add window on 2026-12-24" }));
    const start2 = section.getByLabelText("Start time for 2026-12-24, window 2");
    expect(start2).toHaveValue("12:00");
    expect(section.getByLabelText("End time for 2026-12-24, window 2")).toHaveValue("13:00");
    expect(start2).toHaveFocus();

    await user.click(section.getByRole("button", { name: "Remove window 1 on 2026-12-24" }));
    expect(section.getByLabelText("Start time for 2026-12-24, window 1")).toHaveValue("12:00");
    expect(section.queryByLabelText(/window 2/)).not.toBeInTheDocument();

    await user.click(section.getByRole("button", { name: "Remove window 1 on 2026-12-24" }));
    expect(
      section.getByRole("checkbox", { name: "Unavailable all day on 2026-12-24" }),
    ).toBeChecked();
  });

  it("removes an override", async () => {
    const { user, section } = await renderPage();
    await user.click(section.getByRole("button", { name: "Remove date 2026-12-24" }));
    expect(listedDates()).toEqual(["2026-12-31"]);
    expect(section.getByLabelText("New date")).toHaveFocus();
  });

  it("saves the edited overrides in date order in the availability body", async () => {
    const { user, section, sent } = await renderPage();
    // Add 2026-12-02 (09:00–17:00), change its end, and give it a second window.
    await user.click(section.getByRole("button", { name: "Add a date" }));
    const end = section.getByLabelText("End time for 2026-12-02, window 1");
    await user.clear(end);
    await user.type(end, "11:30");
    await user.click(section.getByRole("button", { name: "Add window on 2026-12-02" }));
    // 2026-12-31 was a day off: now 10:00–14:00 (the windows are typed in).
    await user.click(section.getByRole("checkbox", { name: "Unavailable all day on 2026-12-31" }));
    const start = section.getByLabelText("Start time for 2026-12-31, window 1");
    await user.clear(start);
    await user.type(start, "10:00");
    const end31 = section.getByLabelText("End time for 2026-12-31, window 1");
    await user.clear(end31);
    await user.type(end31, "14:00");
    // 2026-12-24 becomes a day off and moves to 2027-01-04.
    await user.click(section.getByRole("checkbox", { name: "Unavailable all day on 2026-12-24" }));
    const date = section.getByLabelText("Date 2");
    await user.clear(date);
    await user.type(date, "2027-01-04");

    await user.click(save());
    await screen.findByText(/Availability saved/);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toEqual({
      timezone: "Europe/Berlin",
      weekly: [{ day: "MON", start: "09:00", end: "17:00" }],
      minNoticeMinutes: 60,
      bufferMinutes: 15,
      dateOverrides: [
        {
          date: "2026-12-02",
          windows: [
            { start: "09:00", end: "11:30" },
            { start: "11:30", end: "12:30" },
          ],
        },
        { date: "2026-12-31", windows: [{ start: "10:00", end: "14:00" }] },
        { date: "2027-01-04", windows: [] },
      ],
    });
    // Once saved, the list is in date order again.
    expect(listedDates()).toEqual(["2026-12-02", "2026-12-31", "2027-01-04"]);
  });

  it("shows the API's problem with dateOverrides.0.windows.0 next to that window", async () => {
    const { user, section, sent } = await renderPage(() =>
      problem(400, "VALIDATION_ERROR", "The availability is not valid.", [
        {
          field: "dateOverrides.0.windows.0",
          in: "body",
          message: "overlaps another window on the same day",
        },
        { field: "dateOverrides.1.date", in: "body", message: "not a date the API likes" },
      ]),
    );
    await user.click(save());
    await screen.findByText("Some details need attention.");
    expect(sent).toHaveLength(1);
    // Index 0 of the body is 2026-12-24: the body is in date order, the saved list was not.
    expect(sent[0]?.dateOverrides?.map((o) => o.date)).toEqual(["2026-12-24", "2026-12-31"]);
    const start = section.getByLabelText("Start time for 2026-12-24, window 1");
    const end = section.getByLabelText("End time for 2026-12-24, window 1");
    for (const input of [start, end]) {
      expect(input).toHaveAttribute("aria-invalid", "true");
      expect(input).toHaveAccessibleDescription("overlaps another window on the same day");
    }
    const item = start.closest("li.override") as HTMLElement;
    expect(within(item).getByText("overlaps another window on the same day")).toBeInTheDocument();
    expect(section.getByLabelText("Date 2")).toHaveAccessibleDescription(
      "not a date the API likes",
    );
    expect(section.getByLabelText("Date 1")).not.toHaveAttribute("aria-invalid");
  });

  it("passes axe-core's checks with a day off, a new date and errors shown", async () => {
    const { user, section } = await renderPage();
    await user.click(section.getByRole("button", { name: "Add a date" }));
    const end = section.getByLabelText("End time for 2026-12-02, window 1");
    await user.clear(end);
    await user.type(end, "25:00");
    await user.click(section.getByRole("button", { name: "Add a date" }));
    await user.click(save());
    expect(end).toHaveAccessibleDescription(/24-hour times/);
    const region = screen.getByRole("region", { name: "Date-specific hours" });
    // jsdom has no layout: contrast is checked in the browser tests.
    const result = await axe.run(region, { rules: { "color-contrast": { enabled: false } } });
    expect(
      result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(", ")}`),
    ).toEqual([]);
    expect(result.passes.map((p) => p.id)).toEqual(
      expect.arrayContaining(["label", "button-name"]),
    );
  });
});
