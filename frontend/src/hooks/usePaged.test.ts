import { act, renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Page } from "../api/types";
import { usePaged } from "./usePaged";

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("usePaged", () => {
  it("appends the next page, and starts over when the deps change", async () => {
    const calls: [string, string | null][] = [];
    const { result, rerender } = renderHook(
      ({ tab }: { tab: string }) =>
        usePaged<string>(
          async (cursor) => {
            calls.push([tab, cursor]);
            return cursor
              ? { items: [`${tab}-3`], nextCursor: null }
              : { items: [`${tab}-1`, `${tab}-2`], nextCursor: "c2" };
          },
          [tab],
        ),
      { initialProps: { tab: "upcoming" } },
    );
    await waitFor(() => expect(result.current.items).toEqual(["upcoming-1", "upcoming-2"]));
    expect(result.current.hasMore).toBe(true);

    act(() => result.current.loadMore());
    await waitFor(() => expect(result.current.items).toHaveLength(3));
    expect(result.current.hasMore).toBe(false);

    rerender({ tab: "past" });
    expect(result.current.items).toEqual([]); // another list: nothing stale is shown
    await waitFor(() => expect(result.current.items).toEqual(["past-1", "past-2"]));
    expect(calls).toEqual([
      ["upcoming", null],
      ["upcoming", "c2"],
      ["past", null],
    ]);
  });

  it("ignores an answer that arrives after a newer request", async () => {
    const slow = deferred<Page<string>>();
    const { result, rerender } = renderHook(
      ({ tab }: { tab: string }) =>
        usePaged<string>(
          (): Promise<Page<string>> =>
            tab === "a" ? slow.promise : Promise.resolve({ items: ["b"], nextCursor: null }),
          [tab],
        ),
      { initialProps: { tab: "a" } },
    );
    rerender({ tab: "b" });
    await waitFor(() => expect(result.current.items).toEqual(["b"]));
    await act(async () => slow.resolve({ items: ["a"], nextCursor: null }));
    expect(result.current.items).toEqual(["b"]);
    expect(result.current.loading).toBe(false);
  });
});
