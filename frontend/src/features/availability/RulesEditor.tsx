import { SelectField, TextField } from "../../components/Field";
import { timeZones } from "../../lib/time";
import { MAX_MIN_NOTICE } from "./editorState";

const BUFFERS = Array.from({ length: 17 }, (_, i) => i * 15);

interface Props {
  timezone: string;
  /** As typed. */
  minNotice: string;
  buffer: number;
  /** Field errors by the request's field names. */
  errors: Record<string, string>;
  onTimezoneChange: (timezone: string) => void;
  onMinNoticeChange: (minNotice: string) => void;
  onBufferChange: (buffer: number) => void;
}

/** "Rules": the time zone, the minimum notice and the buffer after each session. */
export function RulesEditor(props: Props) {
  const { timezone, minNotice, buffer, errors } = props;
  return (
    <div className="card">
      <h2>Rules</h2>
      <div className="form-grid">
        <SelectField
          label="Time zone"
          value={timezone}
          onChange={(e) => props.onTimezoneChange(e.target.value)}
          error={errors.timezone}
        >
          {timeZones(timezone).map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Minimum notice (minutes)"
          type="number"
          inputMode="numeric"
          min={0}
          max={MAX_MIN_NOTICE}
          step={15}
          value={minNotice}
          onChange={(e) => props.onMinNoticeChange(e.target.value)}
          error={errors.minNoticeMinutes}
          hint="How long before a session it must be booked."
        />
        <SelectField
          label="Buffer after each session"
          value={String(buffer)}
          onChange={(e) => props.onBufferChange(Number(e.target.value))}
          error={errors.bufferMinutes}
        >
          {BUFFERS.map((b) => (
            <option key={b} value={b}>
              {b} min
            </option>
          ))}
        </SelectField>
      </div>
    </div>
  );
}
