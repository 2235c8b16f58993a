import type { Duration, SessionType } from "../../api/types";

export const DURATIONS: readonly { value: Duration; label: string }[] = [
  { value: 30, label: "30 min" },
  { value: 60, label: "60 min" },
  { value: 90, label: "90 min" },
];

export const SESSION_TYPES: readonly { value: SessionType; label: string }[] = [
  { value: "VIDEO", label: "Video" },
  { value: "VOICE", label: "Voice" },
  { value: "IN_PERSON", label: "In person" },
];

export function sessionTypeLabel(type: SessionType): string {
  return SESSION_TYPES.find((t) => t.value === type)?.label ?? type;
}
