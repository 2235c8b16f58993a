import { afterEach, describe, expect, it, vi } from "vitest";
import { mockFetch, problem } from "../test/fetch";
import { api, configureAuth, newIdempotencyKey, request } from "./api";
import { plainMessage } from "./problems";

afterEach(() => {
  vi.unstubAllGlobals();
  configureAuth({ token: () => null, onUnauthorized: () => undefined });
});

describe("request", () => {
  it("calls relative /api/v1 URLs with the bearer token", async () => {
    configureAuth({ token: () => "t0k", onUnauthorized: () => undefined });
    const fetch = mockFetch(() => ({ items: [], nextCursor: null }));
    await api.mySessions("past", "c1");
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe("/api/v1/sessions/my-sessions?tab=past&cursor=c1&limit=20");
    expect((init?.headers as Record<string, string>).Authorization).toBe("Bearer t0k");
  });

  it("turns problem+json into an ApiError with field errors", async () => {
    mockFetch(() =>
      problem(400, "VALIDATION_ERROR", "The request is not valid.", [
        { field: "title", in: "body", message: "String should have at least 1 character" },
      ]),
    );
    const error = await request("POST", "/sessions/book", { body: {} }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: "VALIDATION_ERROR" });
    expect((error as { fieldErrors: () => unknown }).fieldErrors()).toEqual({
      title: "String should have at least 1 character",
    });
  });

  it("reads the gateway's bare 401 and reports the expired sign-in", async () => {
    const onUnauthorized = vi.fn();
    configureAuth({ token: () => "old", onUnauthorized });
    mockFetch(
      () =>
        new Response(JSON.stringify({ message: "Unauthorized" }), {
          status: 401,
          headers: { "Content-Type": "application/json" },
        }),
    );
    const error = await api.me().catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, code: "UNAUTHORIZED" });
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it("reports a network failure in plain words", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(() => Promise.reject(new TypeError("Failed to fetch"))),
    );
    const error = await api.me().catch((e: unknown) => e);
    expect(plainMessage(error as never)).toMatch(/could not reach the server/);
  });

  it("sends the Idempotency-Key given for a booking", async () => {
    const fetch = mockFetch(() => new Response("{}", { status: 201 }));
    const key = newIdempotencyKey();
    await api.book(
      {
        mentorId: "m1",
        scheduledAt: "2026-12-03T15:00:00Z",
        duration: 30,
        sessionType: "VIDEO",
        title: "t",
        timezone: "UTC",
      },
      key,
    );
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const headers = fetch.mock.calls[0]![1]!.headers as Record<string, string>;
    expect(headers["Idempotency-Key"]).toBe(key);
  });
});

describe("actOnConnection", () => {
  it("blocks and unblocks a connection with PUT", async () => {
    const fetch = mockFetch(() => ({ id: "c1", status: "BLOCKED" }));
    await api.actOnConnection("c1", "block");
    await api.actOnConnection("c1", "unblock");
    expect(fetch.mock.calls.map(([url, init]) => [init?.method, url])).toEqual([
      ["PUT", "/api/v1/connections/c1/block"],
      ["PUT", "/api/v1/connections/c1/unblock"],
    ]);
  });
});
