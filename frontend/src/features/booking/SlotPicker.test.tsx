import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Availability, Slot } from "../../api/types";
import { ClockProvider } from "../../lib/clock";
import { mockFetch } from "../../test/fetch";
import { SlotPicker } from "./SlotPicker";

// Wednesday 2 December 2026, 10:00 UTC (05:00 in New York, 19:00 in Tokyo).
const NOW = Date.parse("2026-12-02T10:00:00Z");
const clock = () => NOW;

const half = (iso: string): Slot => ({
  start: iso,
  end: new Date(Date.parse(iso) + 30 * 60_000).toISOString().replace(".000Z", "Z"),
});

function availability(slots: Slot[], bookedSlots: Slot[] = []): Availability {
  return {
    mentorId: "m1",
    timezone: "Europe/Berlin",
    weekly: [],
    minNoticeMinutes: 0,
    bufferMinutes: 0,
    dateOverrides: [],
    slots,
    bookedSlots,
  };
}

function renderPicker(props: {
  timeZone: string;
  duration?: number;
  onSelect?: (s: Slot | null) => void;
}) {
  const onSelect = props.onSelect ?? vi.fn();
  render(
    <ClockProvider value={clock}>
      <SlotPicker
        mentorId="m1"
        duration={props.duration ?? 30}
        selected={null}
        onSelect={onSelect}
        timeZone={props.timeZone}
      />
    </ClockProvider>,
  );
  return onSelect;
}

const day = (date: string) => document.querySelector<HTMLButtonElement>(`[data-date="${date}"]`)!;

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("SlotPicker week calendar", () => {
  it("asks for this week (and the next Monday) in the viewer's zone", async () => {
    const fetch = mockFetch(() => availability([]));
    renderPicker({ timeZone: "America/New_York" });
    await waitFor(() => expect(fetch).toHaveBeenCalled());
    const url = new URL(String(fetch.mock.calls[0]![0]), "http://localhost");
    expect(url.pathname).toBe("/api/v1/sessions/availability/m1");
    expect(url.searchParams.get("from")).toBe("2026-11-30");
    expect(url.searchParams.get("to")).toBe("2026-12-07");
    expect(url.searchParams.get("timezone")).toBe("America/New_York");
  });

  it("disables the days before today and enables today and later", async () => {
    mockFetch(() => availability([half("2026-12-03T15:00:00Z")]));
    renderPicker({ timeZone: "America/New_York" });
    await screen.findByRole("button", { name: "10:00" });
    expect(day("2026-11-30")).toBeDisabled();
    expect(day("2026-12-01")).toBeDisabled();
    expect(day("2026-12-02")).toBeEnabled();
    expect(day("2026-12-06")).toBeEnabled();
    expect(day("2026-11-30")).toHaveTextContent("Past");
  });

  it("shows slots in the viewer's time zone, on the viewer's calendar day", async () => {
    // 15:00 UTC on Thursday 3 Dec: 10:00 in New York, 00:00 on Friday 4 Dec in Tokyo.
    mockFetch(() => availability([half("2026-12-03T15:00:00Z")]));
    renderPicker({ timeZone: "America/New_York" });
    const slot = await screen.findByRole("button", { name: "10:00" });
    expect(slot).toHaveAttribute("data-start", "2026-12-03T15:00:00Z");
    expect(day("2026-12-03")).toHaveAttribute("aria-pressed", "true");
    expect(day("2026-12-03")).toHaveTextContent("1 free");
  });

  it("puts the same instant on another day and hour for a viewer in Tokyo", async () => {
    mockFetch(() => availability([half("2026-12-03T15:00:00Z")]));
    renderPicker({ timeZone: "Asia/Tokyo" });
    const slot = await screen.findByRole("button", { name: "00:00" });
    expect(slot).toHaveAttribute("data-start", "2026-12-03T15:00:00Z");
    expect(day("2026-12-04")).toHaveAttribute("aria-pressed", "true");
    expect(day("2026-12-03")).toHaveTextContent("Full");
  });

  it("marks taken times as Booked, not selectable", async () => {
    mockFetch(() =>
      availability(
        [half("2026-12-03T15:00:00Z")],
        [{ start: "2026-12-03T16:00:00Z", end: "2026-12-03T17:00:00Z" }],
      ),
    );
    renderPicker({ timeZone: "America/New_York" });
    await screen.findByRole("button", { name: "10:00" });
    const list = screen.getByRole("list", { name: /Times on/ });
    const booked = list.querySelector('[data-booked-start="2026-12-03T16:00:00Z"]');
    expect(booked).not.toBeNull();
    expect(booked).toHaveTextContent("11:00–12:00");
    expect(booked).toHaveTextContent("Booked");
    expect(within(list).getAllByRole("button")).toHaveLength(1);
  });

  it("moves between weeks, never before the current one", async () => {
    const fetch = mockFetch((url) => {
      const from = url.searchParams.get("from");
      return availability(from === "2026-12-07" ? [half("2026-12-08T14:00:00Z")] : []);
    });
    const user = userEvent.setup();
    renderPicker({ timeZone: "America/New_York" });
    const previous = screen.getByRole("button", { name: /Previous week/ });
    const next = screen.getByRole("button", { name: /Next week/ });
    await waitFor(() => expect(fetch).toHaveBeenCalledTimes(1));
    expect(previous).toBeDisabled();

    await user.click(next);
    await screen.findByRole("button", { name: "09:00" });
    const last = new URL(String(fetch.mock.lastCall![0]), "http://localhost");
    expect(last.searchParams.get("from")).toBe("2026-12-07");
    expect(last.searchParams.get("to")).toBe("2026-12-14");
    expect(previous).toBeEnabled();
    expect(day("2026-12-07")).toBeEnabled();
    expect(day("2026-12-08")).toHaveAttribute("aria-pressed", "true");

    await user.click(previous);
    await waitFor(() => expect(day("2026-11-30")).toBeInTheDocument());
    expect(day("2026-11-30")).toBeDisabled();
    expect(previous).toBeDisabled();
  });

  it("offers only starts with room for the chosen duration and reports the pick", async () => {
    mockFetch(() =>
      availability([
        half("2026-12-03T15:00:00Z"),
        half("2026-12-03T15:30:00Z"),
        half("2026-12-03T17:00:00Z"),
      ]),
    );
    const onSelect = vi.fn();
    const user = userEvent.setup();
    renderPicker({ timeZone: "America/New_York", duration: 60, onSelect });
    const first = await screen.findByRole("button", { name: "10:00" });
    // 10:30 has no free 11:00 after it, 12:00 none at 12:30: too short for an hour.
    expect(screen.queryByRole("button", { name: "10:30" })).toBeNull();
    expect(screen.queryByRole("button", { name: "12:00" })).toBeNull();
    await act(() => user.click(first));
    expect(onSelect).toHaveBeenCalledWith({
      start: "2026-12-03T15:00:00Z",
      end: "2026-12-03T15:30:00Z",
    });
  });

  it("offers a late-Sunday start whose second half falls on the next Monday", async () => {
    // Sunday 6 Dec 23:30 and Monday 7 Dec 00:00 in New York.
    mockFetch(() => availability([half("2026-12-07T04:30:00Z"), half("2026-12-07T05:00:00Z")]));
    renderPicker({ timeZone: "America/New_York", duration: 60 });
    const slot = await screen.findByRole("button", { name: "23:30" });
    expect(slot).toHaveAttribute("data-start", "2026-12-07T04:30:00Z");
    expect(day("2026-12-06")).toHaveAttribute("aria-pressed", "true");
  });
});
