import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ClockProvider } from "../../lib/clock";
import { mockFetch, problem } from "../../test/fetch";
import { BookSessionPage } from "./BookSessionPage";

const NOW = Date.parse("2026-12-02T10:00:00Z");

const mentor = {
  id: "m1",
  userId: "u1",
  name: "Maya Mentor",
  company: "ACME",
  jobTitle: "Engineer",
  bio: "",
  expertise: [],
  timezone: "UTC",
  totalSessions: 0,
  stats: {
    totalSessions: 0,
    completedSessions: 0,
    cancelledSessions: 0,
    noShowSessions: 0,
    mentorNoShows: 0,
    upcomingSessions: 0,
    completionRate: null,
    lastSessionAt: null,
  },
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("BookSessionPage", () => {
  it("on 409 SLOT_UNAVAILABLE refreshes the calendar and says the slot was just taken", async () => {
    let availabilityCalls = 0;
    const keys: string[] = [];
    mockFetch((url, init) => {
      if (url.pathname === "/api/v1/mentors/m1") return mentor;
      if (url.pathname.startsWith("/api/v1/sessions/availability/")) {
        availabilityCalls += 1;
        const taken = availabilityCalls > 1;
        return {
          mentorId: "m1",
          timezone: "UTC",
          weekly: [],
          minNoticeMinutes: 0,
          bufferMinutes: 0,
          dateOverrides: [],
          slots: taken ? [] : [{ start: "2026-12-03T15:00:00Z", end: "2026-12-03T15:30:00Z" }],
          bookedSlots: taken
            ? [{ start: "2026-12-03T15:00:00Z", end: "2026-12-03T15:30:00Z" }]
            : [],
        };
      }
      if (url.pathname === "/api/v1/sessions/book") {
        keys.push((init.headers as Record<string, string>)["Idempotency-Key"] ?? "");
        return problem(409, "SLOT_UNAVAILABLE", "The mentor is busy then.");
      }
      throw new Error(`unexpected ${url.pathname}`);
    });
    const user = userEvent.setup();
    render(
      <ClockProvider value={() => NOW}>
        <MemoryRouter initialEntries={["/sessions/book/m1"]}>
          <Routes>
            <Route path="/sessions/book/:mentorId" element={<BookSessionPage />} />
          </Routes>
        </MemoryRouter>
      </ClockProvider>,
    );

    await screen.findByRole("heading", { name: "Book a session with Maya Mentor" });
    await user.click(screen.getByRole("radio", { name: "30 min" }));
    const slot = document.querySelector<HTMLButtonElement>('[data-start="2026-12-03T15:00:00Z"]');
    await waitFor(() => expect(document.querySelector("[data-start]")).not.toBeNull());
    await user.click(slot ?? document.querySelector<HTMLButtonElement>("[data-start]")!);
    await user.type(screen.getByRole("textbox", { name: /Title/ }), "Career chat");
    await user.click(screen.getByRole("button", { name: "Book Session" }));

    expect(
      await screen.findByText(/that time was just taken by someone else/i),
    ).toBeInTheDocument();
    await waitFor(() => expect(availabilityCalls).toBe(2));
    await waitFor(() =>
      expect(document.querySelector('[data-booked-start="2026-12-03T15:00:00Z"]')).not.toBeNull(),
    );
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);

    // A second attempt is a new attempt: a new key.
    await user.click(screen.getByRole("button", { name: "Book Session" }));
    expect(await screen.findByText("Pick a time in the calendar.")).toBeInTheDocument();
  });

  it("shows field errors next to the fields", async () => {
    mockFetch((url) => {
      if (url.pathname === "/api/v1/mentors/m1") return mentor;
      return {
        mentorId: "m1",
        timezone: "UTC",
        weekly: [],
        minNoticeMinutes: 0,
        bufferMinutes: 0,
        dateOverrides: [],
        slots: [],
        bookedSlots: [],
      };
    });
    const user = userEvent.setup();
    render(
      <ClockProvider value={() => NOW}>
        <MemoryRouter initialEntries={["/sessions/book/m1"]}>
          <Routes>
            <Route path="/sessions/book/:mentorId" element={<BookSessionPage />} />
          </Routes>
        </MemoryRouter>
      </ClockProvider>,
    );
    await user.click(await screen.findByRole("button", { name: "Book Session" }));
    const title = screen.getByRole("textbox", { name: /Title/ });
    expect(title).toHaveAttribute("aria-invalid", "true");
    expect(title).toHaveAccessibleDescription("Give the session a title.");
  });
});
