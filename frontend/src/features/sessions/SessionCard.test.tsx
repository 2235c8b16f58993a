import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { MentorSession } from "../../api/types";
import { ClockProvider } from "../../lib/clock";
import { mockFetch } from "../../test/fetch";
import { SessionCard } from "./SessionCard";

const START = Date.parse("2026-12-03T15:00:00Z");
const HOUR = 3_600_000;

const base: MentorSession = {
  id: "s1",
  mentorId: "m1",
  studentId: "student-1",
  scheduledAt: "2026-12-03T15:00:00Z",
  endsAt: "2026-12-03T16:00:00Z",
  duration: 60,
  status: "SCHEDULED",
  sessionType: "VIDEO",
  title: "Career chat",
  timezone: "UTC",
  agendaNotes: "Talk about promotions",
  createdAt: "2026-12-01T00:00:00Z",
  updatedAt: "2026-12-01T00:00:00Z",
  mentor: {
    id: "m1",
    userId: "mentor-1",
    company: "ACME",
    jobTitle: "Engineer",
    user: { name: "Maya Mentor", email: null },
  },
  student: { id: "student-1", name: "Sam Student", email: null },
};

function renderCard(session: MentorSession, me: string, now: number, onChanged = vi.fn()) {
  render(
    <ClockProvider value={() => now}>
      <SessionCard session={session} myUserId={me} onChanged={onChanged} />
    </ClockProvider>,
  );
  return screen.getByRole("article", { name: session.title });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("SessionCard", () => {
  it("shows the other party, the details and the agenda", () => {
    const card = renderCard(base, "student-1", START - 24 * HOUR);
    expect(card).toHaveTextContent("with Maya Mentor, Engineer at ACME");
    expect(card).toHaveTextContent("Talk about promotions");
    expect(card).toHaveTextContent("1 h");
    expect(within(card).getByText("Scheduled")).toBeInTheDocument();
    expect(within(card).queryByRole("button", { name: "Complete" })).toBeNull();
  });

  it("offers Complete only to the mentor, and only once the session has started", () => {
    renderCard(base, "mentor-1", START + 5 * 60_000);
    expect(screen.getByRole("button", { name: "Complete" })).toBeInTheDocument();
    expect(screen.getByText(/with Sam Student/)).toBeInTheDocument();
  });

  it("hides Cancel and Reschedule within 2 hours of the start", () => {
    renderCard(base, "student-1", START - HOUR);
    expect(screen.queryByRole("button", { name: "Cancel" })).toBeNull();
    expect(screen.getByText(/can no longer be cancelled or rescheduled/)).toBeInTheDocument();
  });

  it("asks for a reason before cancelling, then sends it", async () => {
    const fetch = mockFetch(() => ({ ...base, status: "CANCELLED" }));
    const onChanged = vi.fn();
    const user = userEvent.setup();
    renderCard(base, "student-1", START - 24 * HOUR, onChanged);
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    await user.click(screen.getByRole("button", { name: "Cancel session" }));
    expect(
      screen.getByRole("textbox", { name: /Reason for cancelling/ }),
    ).toHaveAccessibleDescription(/Please say why you are cancelling/);
    expect(fetch).not.toHaveBeenCalled();

    await user.type(screen.getByRole("textbox", { name: /Reason for cancelling/ }), "Ill");
    await user.click(screen.getByRole("button", { name: "Cancel session" }));
    expect(JSON.parse(String(fetch.mock.calls[0]![1]!.body))).toEqual({ reason: "Ill" });
    expect(onChanged).toHaveBeenCalledWith('"Career chat" was cancelled.');
  });

  it("shows the cancellation reason of a cancelled session", () => {
    renderCard(
      { ...base, status: "CANCELLED", cancellationReason: "Travelling", cancelledBy: "mentor-1" },
      "student-1",
      START,
    );
    expect(screen.getByText("Cancellation reason")).toBeInTheDocument();
    expect(screen.getByText("Travelling")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Join/ })).toBeNull();
  });
});
