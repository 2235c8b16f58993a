import { useCallback, useEffect, useEffectEvent, useState } from "react";
import { type ApiError, toApiError } from "../api/api";
import type { Page } from "../api/types";
import { depsKey } from "./useAsync";

export interface PagedState<T> {
  items: T[];
  error: ApiError | null;
  loading: boolean;
  hasMore: boolean;
  loadMore: () => void;
  /** Start again from the first page (the current items stay until it arrives). */
  reload: () => void;
}

interface Request {
  key: string;
  n: number;
  /** null: the first page (replacing the items); else the page after this cursor. */
  cursor: string | null;
}

interface Pages<T> {
  key: string;
  /** The request these pages answer. */
  n: number;
  items: T[];
  nextCursor: string | null;
  error: ApiError | null;
}

/** A cursor-paginated list (`{items, nextCursor}`), from the first page whenever `deps` change. */
export function usePaged<T>(
  loadPage: (cursor: string | null) => Promise<Page<T>>,
  deps: readonly unknown[],
): PagedState<T> {
  const key = depsKey(deps);
  const [request, setRequest] = useState<Request>({ key, n: 0, cursor: null });
  const [pages, setPages] = useState<Pages<T>>({
    key,
    n: -1,
    items: [],
    nextCursor: null,
    error: null,
  });

  // New deps: a different list, first page (adjusting state while rendering).
  if (request.key !== key) setRequest({ key, n: request.n + 1, cursor: null });

  const load = useEffectEvent((cursor: string | null) => loadPage(cursor));

  useEffect(() => {
    let current = true;
    load(request.cursor).then(
      (page) => {
        if (!current) return;
        setPages((prev) => ({
          key: request.key,
          n: request.n,
          items:
            request.cursor && prev.key === request.key
              ? [...prev.items, ...page.items]
              : page.items,
          nextCursor: page.nextCursor ?? null,
          error: null,
        }));
      },
      (err: unknown) => {
        if (!current) return;
        setPages((prev) => ({
          ...(prev.key === request.key ? prev : { items: [], nextCursor: null }),
          key: request.key,
          n: request.n,
          error: toApiError(err),
        }));
      },
    );
    return () => {
      current = false;
    };
  }, [request]);

  const mine = pages.key === key;
  const nextCursor = mine ? pages.nextCursor : null;
  const loadMore = useCallback(() => {
    if (nextCursor) setRequest((r) => ({ key: r.key, n: r.n + 1, cursor: nextCursor }));
  }, [nextCursor]);
  const reload = useCallback(
    () => setRequest((r) => ({ key: r.key, n: r.n + 1, cursor: null })),
    [],
  );

  return {
    items: mine ? pages.items : [],
    error: mine && pages.n === request.n ? pages.error : null,
    loading: pages.n !== request.n,
    hasMore: nextCursor !== null,
    loadMore,
    reload,
  };
}
