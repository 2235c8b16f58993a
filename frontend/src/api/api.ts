/**
 * The API client: relative `/api/v1/...` URLs (same origin as the page), a
 * bearer token when signed in, and every failure turned into an `ApiError`
 * carrying the RFC 9457 problem details the API answered with.
 */
import type {
  Availability,
  AvailabilityRequest,
  BookRequest,
  Connection,
  ConnectionAction,
  ConnectionRequest,
  LocalToken,
  LocalTokenRequest,
  Mentor,
  MentorProfileRequest,
  MentorSession,
  Page,
  Problem,
  RescheduleRequest,
  SessionTab,
  User,
} from "./types";

export const API_BASE = "/api/v1";

/** A failed call: the problem details (synthesised when the answer had none). */
export class ApiError extends Error {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = "ApiError";
    this.problem = problem;
  }

  get status(): number {
    return this.problem.status;
  }

  get code(): string {
    return this.problem.code;
  }

  /** Field errors by field name (`title`, `weekly.0.start`, ...), first message wins. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      out[e.field] ??= e.message;
    }
    return out;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

/** Any thrown value as an ApiError (network failures and bugs included). */
export function toApiError(value: unknown): ApiError {
  if (value instanceof ApiError) return value;
  const detail = value instanceof Error ? value.message : String(value);
  return new ApiError({
    type: "about:blank",
    title: "Network error",
    status: 0,
    detail,
    code: "NETWORK_ERROR",
  });
}

interface AuthHooks {
  token: () => string | null;
  onUnauthorized: () => void;
}

let auth: AuthHooks = { token: () => null, onUnauthorized: () => undefined };

/** Called once by the auth provider: where tokens come from, what a 401 does. */
export function configureAuth(hooks: AuthHooks): void {
  auth = hooks;
}

type Query = Record<string, string | number | null | undefined>;

interface RequestOptions {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send the bearer token (default: when there is one). */
  authenticated?: boolean;
}

function url(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== null && value !== undefined && value !== "") params.set(key, String(value));
  }
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ""}`;
}

async function problemOf(response: Response): Promise<Problem> {
  const fallback: Problem = {
    type: "about:blank",
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    detail: "",
    code: response.status === 401 ? "UNAUTHORIZED" : `HTTP_${response.status}`,
  };
  const text = await response.text().catch(() => "");
  try {
    const body: unknown = JSON.parse(text);
    if (body && typeof body === "object") {
      const b = body as Partial<Problem> & { message?: unknown };
      if (typeof b.code === "string" || typeof b.title === "string") {
        return { ...fallback, ...b, status: b.status ?? response.status } as Problem;
      }
      // The gateway's own answer to a request without a token: {"message": "Unauthorized"}.
      if (typeof b.message === "string") return { ...fallback, detail: b.message };
    }
  } catch {
    // Not JSON: keep the fallback.
  }
  return fallback;
}

export async function request<T>(
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  const token = options.authenticated === false ? null : auth.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(url(path, options.query), { method, headers, body });
  } catch (err) {
    throw toApiError(err);
  }
  if (!response.ok) {
    const problem = await problemOf(response);
    if (response.status === 401 && token) auth.onUnauthorized();
    throw new ApiError(problem);
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** A fresh Idempotency-Key: one per booking attempt. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  // Not a secure context (e.g. a LAN address over http): same format, same randomness source.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const enc = encodeURIComponent;

export const api = {
  devToken: (body: LocalTokenRequest) =>
    request<LocalToken>("POST", "/dev/token", { body, authenticated: false }),

  me: () => request<User>("GET", "/me"),

  listMentors: (cursor?: string | null, limit = 20) =>
    request<Page<Mentor>>("GET", "/mentors", { query: { cursor, limit } }),
  getMentor: (mentorId: string) => request<Mentor>("GET", `/mentors/${enc(mentorId)}`),
  myMentorProfile: () => request<Mentor>("GET", "/mentors/me"),
  saveMentorProfile: (body: MentorProfileRequest) =>
    request<Mentor>("PUT", "/mentors/me", { body }),

  listConnections: (cursor?: string | null, limit = 100) =>
    request<Page<Connection>>("GET", "/connections", { query: { cursor, limit } }),
  requestConnection: (body: ConnectionRequest) =>
    request<Connection>("POST", "/connections", { body }),
  actOnConnection: (connectionId: string, action: ConnectionAction) =>
    request<Connection>("PUT", `/connections/${enc(connectionId)}/${action}`),

  availability: (mentorId: string, from: string, to: string, timezone: string) =>
    request<Availability>("GET", `/sessions/availability/${enc(mentorId)}`, {
      query: { from, to, timezone },
    }),
  setAvailability: (body: AvailabilityRequest) =>
    request<Availability>("POST", "/sessions/availability", { body }),

  book: (body: BookRequest, idempotencyKey: string) =>
    request<MentorSession>("POST", "/sessions/book", {
      body,
      headers: { "Idempotency-Key": idempotencyKey },
    }),
  mySessions: (tab: SessionTab, cursor?: string | null, limit = 20) =>
    request<Page<MentorSession>>("GET", "/sessions/my-sessions", { query: { tab, cursor, limit } }),
  startSession: (sessionId: string) =>
    request<MentorSession>("PUT", `/sessions/${enc(sessionId)}/start`),
  cancelSession: (sessionId: string, reason: string) =>
    request<MentorSession>("PUT", `/sessions/${enc(sessionId)}/cancel`, { body: { reason } }),
  rescheduleSession: (sessionId: string, body: RescheduleRequest) =>
    request<MentorSession>("PUT", `/sessions/${enc(sessionId)}/reschedule`, { body }),
  completeSession: (sessionId: string, sessionNotes: string | null) =>
    request<MentorSession>("PUT", `/sessions/${enc(sessionId)}/complete`, {
      body: { sessionNotes },
    }),
};
