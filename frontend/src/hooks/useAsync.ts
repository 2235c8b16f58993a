import { useCallback, useEffect, useEffectEvent, useState } from "react";
import { type ApiError, toApiError } from "../api/api";

export interface AsyncState<T> {
  /** The latest answer for the current deps (kept while a reload runs), else null. */
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  /** Load again, keeping the current data on screen meanwhile. */
  reload: () => void;
}

/** A request: what it is for (`key`, from the deps) and which one it is (`n`). */
interface Request {
  key: string;
  n: number;
}

interface Result<T> extends Request {
  data: T | null;
  error: ApiError | null;
}

/** A stable key for a list of primitive deps. */
export function depsKey(deps: readonly unknown[]): string {
  return JSON.stringify(deps);
}

/**
 * Runs `load` when `deps` (primitive values) change and on `reload`; only the
 * answer to the newest request is kept. `load` may return null: nothing to load.
 */
export function useAsync<T>(
  load: () => Promise<T> | null,
  deps: readonly unknown[],
): AsyncState<T> {
  const key = depsKey(deps);
  const [request, setRequest] = useState<Request>({ key, n: 0 });
  const [result, setResult] = useState<Result<T> | null>(null);

  // New deps, new request (adjusting state while rendering, as React recommends).
  if (request.key !== key) setRequest({ key, n: request.n + 1 });

  const run = useEffectEvent(() => load());

  useEffect(() => {
    let current = true;
    const settle = (data: T | null, error: ApiError | null) => {
      if (current) setResult({ ...request, data, error });
    };
    Promise.resolve()
      .then(run)
      .then(
        (data) => settle(data, null),
        (err: unknown) => settle(null, toApiError(err)),
      );
    return () => {
      current = false;
    };
  }, [request]);

  const reload = useCallback(() => setRequest((r) => ({ key: r.key, n: r.n + 1 })), []);
  const mine = result?.key === key ? result : null;
  return {
    data: mine?.data ?? null,
    error: mine?.n === request.n ? mine.error : null,
    loading: result?.n !== request.n,
    reload,
  };
}
