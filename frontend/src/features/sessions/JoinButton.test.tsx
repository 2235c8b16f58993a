import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { MentorSession } from "../../api/types";
import { ClockProvider } from "../../lib/clock";
import { mockFetch } from "../../test/fetch";
import { JoinButton } from "./JoinButton";

const START = Date.parse("2026-12-03T15:00:00Z");
const END = START + 60 * 60_000;
const MIN = 60_000;

const session: MentorSession = {
  id: "s1",
  mentorId: "m1",
  studentId: "u2",
  scheduledAt: "2026-12-03T15:00:00Z",
  endsAt: "2026-12-03T16:00:00Z",
  duration: 60,
  status: "SCHEDULED",
  sessionType: "VIDEO",
  title: "Career chat",
  timezone: "UTC",
  createdAt: "2026-12-01T00:00:00Z",
  updatedAt: "2026-12-01T00:00:00Z",
  mentor: {
    id: "m1",
    userId: "u1",
    company: "ACME",
    jobTitle: "Engineer",
    user: { name: "Maya", email: null },
  },
  student: { id: "u2", name: "Sam", email: null },
};

const button = () => screen.getByRole("button", { name: "Join Video Call" });

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("JoinButton timing (fake timers)", () => {
  it("opens at start-15:00 and closes at the end, re-rendering on its own", () => {
    vi.useFakeTimers();
    vi.setSystemTime(START - 15 * MIN - 1000); // start − 15:01
    render(<JoinButton session={session} />);
    expect(button()).toBeDisabled();
    expect(screen.getByText("Opens 15 minutes before the start.")).toBeInTheDocument();

    act(() => vi.advanceTimersByTime(999));
    expect(button()).toBeDisabled();

    act(() => vi.advanceTimersByTime(1)); // start − 15:00 exactly
    expect(button()).toBeEnabled();

    act(() => vi.advanceTimersByTime(75 * MIN - 1)); // 1 ms before the end
    expect(button()).toBeEnabled();

    act(() => vi.advanceTimersByTime(1)); // the end
    expect(button()).toBeDisabled();
    expect(screen.getByText("This session has ended.")).toBeInTheDocument();
  });
});

describe("JoinButton timing (injected clock)", () => {
  const at = (now: number) => {
    const { unmount } = render(
      <ClockProvider value={() => now}>
        <JoinButton session={session} />
      </ClockProvider>,
    );
    const enabled = !(button() as HTMLButtonElement).disabled;
    unmount();
    return enabled;
  };

  it("is disabled at start−15:01, enabled at start−15:00, disabled at the end", () => {
    expect(at(START - 15 * MIN - 1000)).toBe(false);
    expect(at(START - 15 * MIN)).toBe(true);
    expect(at(START)).toBe(true);
    expect(at(END - 1)).toBe(true);
    expect(at(END)).toBe(false);
  });
});

describe("JoinButton click", () => {
  it("opens the tab synchronously, records the join, then sends the tab to the meeting", async () => {
    const tab = {
      opener: {},
      location: { href: "about:blank" },
      document: { title: "", body: { textContent: "" } },
      close: vi.fn(),
    };
    const open = vi.fn(() => tab);
    vi.stubGlobal("open", open);
    let openedBeforeCall = false;
    const fetch = mockFetch((url, init) => {
      openedBeforeCall = open.mock.calls.length === 1;
      expect(url.pathname).toBe("/api/v1/sessions/s1/start");
      expect(init.method).toBe("PUT");
      return { ...session, meetingLink: "https://meet.example/careerforge-s1-secret" };
    });
    const user = userEvent.setup();
    render(
      <ClockProvider value={() => START - 5 * MIN}>
        <JoinButton session={session} />
      </ClockProvider>,
    );
    await user.click(button());
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(openedBeforeCall).toBe(true);
    expect(open).toHaveBeenCalledWith("", "_blank");
    expect(tab.opener).toBeNull();
    expect(tab.location.href).toBe("https://meet.example/careerforge-s1-secret");
  });

  it("closes the tab and explains when the API refuses", async () => {
    const tab = {
      opener: {},
      location: { href: "about:blank" },
      document: { title: "", body: { textContent: "" } },
      close: vi.fn(),
    };
    vi.stubGlobal(
      "open",
      vi.fn(() => tab),
    );
    mockFetch(
      () =>
        new Response(
          JSON.stringify({
            type: "about:blank",
            title: "Conflict",
            status: 409,
            detail: "The call is not open.",
            code: "JOIN_WINDOW_CLOSED",
          }),
          { status: 409, headers: { "Content-Type": "application/problem+json" } },
        ),
    );
    const user = userEvent.setup();
    render(
      <ClockProvider value={() => START - 5 * MIN}>
        <JoinButton session={session} />
      </ClockProvider>,
    );
    await user.click(button());
    expect(tab.close).toHaveBeenCalled();
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "The call opens 15 minutes before the start and closes when the session ends.",
    );
  });
});
