import { api } from "../../api/api";
import type { Connection } from "../../api/types";
import { usePaged } from "../../hooks/usePaged";

/** The caller's connections, as mentor and as student (pages of 100). */
export function useConnections() {
  return usePaged<Connection>((cursor) => api.listConnections(cursor), []);
}

/** Connections that still count (pending or accepted), keyed by mentor id. */
export function liveConnectionByMentor(items: Connection[], myUserId: string) {
  const out = new Map<string, Connection>();
  for (const c of items) {
    if (c.studentId === myUserId && (c.status === "PENDING" || c.status === "ACCEPTED")) {
      out.set(c.mentorId, c);
    }
  }
  return out;
}
