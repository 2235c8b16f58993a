/**
 * Names for the API's shapes. Every type here is derived from the generated
 * OpenAPI schema (schema.d.ts), so a change in the API shows up as a type error.
 */
import type { components } from "./schema";

type Schemas = components["schemas"];

/** The design note's `MentorSession`: exactly what the API returns for a session. */
export type MentorSession = Schemas["SessionOut"];
export type SessionStatus = MentorSession["status"];
export type SessionType = MentorSession["sessionType"];
export type SessionTab = NonNullable<Schemas["SessionsQuery"]["tab"]>;

export type Mentor = Schemas["MentorOut"];
export type MentorProfileRequest = Schemas["MentorProfileIn"];
export type User = Schemas["UserOut"];

export type Connection = Schemas["ConnectionOut"];
export type ConnectionStatus = Connection["status"];
export type ConnectionRequest = Schemas["ConnectionIn"];
/** What a participant can do to a connection (`PUT /connections/{id}/{action}`). */
export type ConnectionAction = "accept" | "decline" | "remove" | "block" | "unblock";

export type Availability = Schemas["AvailabilitySlotsOut"];
export type AvailabilityRequest = Schemas["AvailabilityIn"];
export type WeeklyWindow = Schemas["WeeklyWindowIn"];
export type Weekday = WeeklyWindow["day"];
export type Slot = Schemas["Slot"];

export type BookRequest = Schemas["BookIn"];
export type Duration = BookRequest["duration"];
export type RescheduleRequest = Schemas["RescheduleIn"];

export type LocalTokenRequest = Schemas["LocalTokenIn"];
export type LocalToken = Schemas["LocalTokenOut"];

export type Problem = Schemas["Problem"];
export type FieldProblem = NonNullable<Problem["errors"]>[number];

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}
