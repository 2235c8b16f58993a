/** The signed-in user's token, kept for this browser tab only (sessionStorage). */
export interface StoredAuth {
  token: string;
  userId: string;
}

const KEY = "careerforge.auth";

export function loadAuth(): StoredAuth | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as Partial<StoredAuth>;
    if (typeof value.token === "string" && typeof value.userId === "string") {
      return { token: value.token, userId: value.userId };
    }
  } catch {
    // Unreadable: treat as signed out.
  }
  return null;
}

export function saveAuth(auth: StoredAuth | null): void {
  try {
    if (auth) sessionStorage.setItem(KEY, JSON.stringify(auth));
    else sessionStorage.removeItem(KEY);
  } catch {
    // Storage unavailable (private mode): the session lasts until reload.
  }
}
