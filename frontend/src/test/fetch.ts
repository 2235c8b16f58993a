import { vi } from "vitest";

export type Handler = (url: URL, init: RequestInit) => unknown;

/** Replace fetch: `handler` answers each call with a Response or a JSON body (200). */
export function mockFetch(handler: Handler) {
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), "http://localhost");
    const answer = await handler(url, init);
    if (answer instanceof Response) return answer;
    return new Response(JSON.stringify(answer), {
      status: 200,
      headers: { "Content-Type": "application/json" },
    });
  });
  vi.stubGlobal("fetch", fn);
  return fn;
}

export function problem(status: number, code: string, detail = "", errors?: unknown[]) {
  return new Response(
    JSON.stringify({ type: "about:blank", title: code, status, detail, code, errors }),
    { status, headers: { "Content-Type": "application/problem+json" } },
  );
}
