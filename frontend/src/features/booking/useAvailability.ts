import { api } from "../../api/api";
import type { Availability } from "../../api/types";
import { useAsync } from "../../hooks/useAsync";
import { addDays } from "../../lib/time";

/**
 * The mentor's free slots and busy times for the 7 days from `monday`, read in
 * `timeZone`, plus the next Monday (so a late-Sunday start can be seen to have
 * room for a longer session). Null until the answer for exactly this week,
 * zone and `refresh` count arrives.
 */
export function useWeekAvailability(
  mentorId: string,
  monday: string,
  timeZone: string,
  refresh: number,
) {
  const { data, error, loading } = useAsync<Availability>(
    () => api.availability(mentorId, monday, addDays(monday, 7), timeZone),
    [mentorId, monday, timeZone, refresh],
  );
  return { availability: data, error, loading };
}
