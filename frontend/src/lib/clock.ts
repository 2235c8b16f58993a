/**
 * The one source of "now" in the client, so tests can fake time: either with
 * vi.useFakeTimers (which fakes Date.now) or by providing another Clock.
 */
import { createContext, useContext, useEffect, useState } from "react";

/** Milliseconds since the epoch. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

const ClockContext = createContext<Clock>(systemClock);

export const ClockProvider = ClockContext.Provider;

export function useClock(): Clock {
  return useContext(ClockContext);
}

/** Longest sleep between re-renders (also keeps clear of setTimeout's 2^31 ms limit). */
const MAX_WAIT_MS = 60_000;

/**
 * The current time, read from the clock at each render. The component renders
 * again exactly when the time crosses one of `boundaries` (epoch ms), and at
 * least once a minute.
 */
export function useNow(boundaries: readonly number[] = []): number {
  const clock = useClock();
  const [, setTick] = useState(0);
  const now = clock();
  const next = boundaries.filter((b) => b > now).reduce((a, b) => Math.min(a, b), Infinity);
  const wait = Math.max(0, Math.min(next - now, MAX_WAIT_MS));

  useEffect(() => {
    const timer = setTimeout(() => setTick((t) => t + 1), wait);
    return () => clearTimeout(timer);
  }, [now, wait]);

  return now;
}
