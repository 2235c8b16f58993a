import { TextField } from "../../components/Field";
import { suggestRow, type WindowRow } from "./weekly";

interface Props {
  label: string;
  rows: WindowRow[];
  errors: Record<string, string>;
  onChange: (rows: WindowRow[]) => void;
}

/** One weekday's windows: start/end pairs with add and remove. */
export function DayWindows({ label, rows, errors, onChange }: Props) {
  const update = (id: string, patch: Partial<WindowRow>) =>
    onChange(rows.map((r) => (r.id === id ? { ...r, ...patch } : r)));

  return (
    <fieldset className="weekday" data-day={label}>
      <legend className="weekday__label">{label}</legend>
      {rows.length === 0 && <p className="muted small">Unavailable</p>}
      <ul className="windows">
        {rows.map((row, i) => {
          const name = `${label} window ${i + 1}`;
          const error = errors[row.id];
          return (
            <li key={row.id} className="window">
              <div className="window__fields">
                <TextField
                  label={`${name} start`}
                  hideLabel
                  placeholder="09:00"
                  inputMode="numeric"
                  className="window__time"
                  value={row.start}
                  onChange={(e) => update(row.id, { start: e.target.value })}
                  aria-invalid={error ? true : undefined}
                  aria-describedby={error ? `${row.id}-error` : undefined}
                />
                <span aria-hidden="true">–</span>
                <TextField
                  label={`${name} end`}
                  hideLabel
                  placeholder="17:00"
                  inputMode="numeric"
                  className="window__time"
                  value={row.end}
                  onChange={(e) => update(row.id, { end: e.target.value })}
                  aria-invalid={error ? true : undefined}
                  aria-describedby={error ? `${row.id}-error` : undefined}
                />
                <button
                  type="button"
                  className="button button--ghost"
                  onClick={() => onChange(rows.filter((r) => r.id !== row.id))}
                >
                  Remove<span className="visually-hidden"> {name}</span>
                </button>
              </div>
              {error && (
                <p className="field__error" id={`${row.id}-error`}>
                  {error}
                </p>
              )}
            </li>
          );
        })}
      </ul>
      <button
        type="button"
        className="button button--small"
        onClick={() => onChange([...rows, suggestRow(rows)])}
      >
        <span aria-hidden="true">+ </span>Add window
        <span className="visually-hidden"> on {label}</span>
      </button>
    </fieldset>
  );
}
