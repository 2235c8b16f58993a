import { useEffect, useId, useRef, useState } from "react";
import { TextField } from "../../components/Field";
import { useClock } from "../../lib/clock";
import { dateKeyInZone, dayLong, viewerTimeZone } from "../../lib/time";
import {
  addOverride,
  addProblem,
  dateKey,
  DUPLICATE_DATE,
  duplicateIds,
  isDateKey,
  MAX_OVERRIDES,
  MAX_WINDOWS,
  nextFreeDate,
  type OverrideRow,
  removeOverride,
  setUnavailable,
  updateOverride,
} from "./overrides";
import { suggestRow } from "./weekly";

interface Props {
  overrides: OverrideRow[];
  /** The availability's zone: the times are wall-clock times there, "today" is its today. */
  timezone: string;
  /** Local and API errors by window row id, override id or `dateKey(override id)`. */
  errors: Record<string, string>;
  /** An error about the list as a whole (the API's `dateOverrides` field). */
  listError?: string | undefined;
  onChange: (rows: OverrideRow[]) => void;
}

function todayIn(now: number, timezone: string): string {
  try {
    return dateKeyInZone(now, timezone);
  } catch {
    return dateKeyInZone(now, viewerTimeZone());
  }
}

/** "Date-specific hours": dates whose windows replace the weekly ones, or days off. */
export function DateOverridesEditor({ overrides, timezone, errors, listError, onChange }: Props) {
  const clock = useClock();
  const today = todayIn(clock(), timezone);
  const uid = useId();
  const root = useRef<HTMLElement>(null);
  // Where focus goes after the next render (a selector inside this section): the new
  // override's first time after adding, and something nearby after removing.
  const focusNext = useRef<string | null>(null);
  useEffect(() => {
    const selector = focusNext.current;
    if (!selector) return;
    focusNext.current = null;
    root.current?.querySelector<HTMLElement>(selector)?.focus();
  });

  // The date the "Add a date" input holds: the one picked, else the next date without hours.
  const [picked, setPicked] = useState<string | null>(null);
  const [addError, setAddError] = useState<string | null>(null);
  const newDate = picked ?? nextFreeDate(today, overrides);
  const duplicates = duplicateIds(overrides);
  const full = overrides.length >= MAX_OVERRIDES;

  function add() {
    const problem = addProblem(overrides, newDate);
    setAddError(problem ?? null);
    if (problem) return;
    const next = addOverride(overrides, newDate);
    const added = next.find((r) => r.date === newDate && !overrides.includes(r));
    if (added) focusNext.current = `[data-override-id="${added.id}"] .window input`;
    setPicked(null);
    onChange(next);
  }

  function change(id: string, patch: Partial<Omit<OverrideRow, "id">>) {
    onChange(updateOverride(overrides, id, patch));
  }

  const titleId = `${uid}-title`;
  const addErrorId = `${uid}-add-error`;
  return (
    <section className="card" aria-labelledby={titleId} ref={root}>
      <h2 id={titleId}>Date-specific hours</h2>
      <p className="muted small">
        Dates when your hours differ from the weekly ones, such as a day off or a shorter day. Their
        windows replace that weekday&apos;s; times are wall-clock times in {timezone}.
      </p>
      {listError && <p className="field__error">{listError}</p>}
      {overrides.length === 0 ? (
        <p className="muted">No dates with their own hours yet.</p>
      ) : (
        <ul className="overrides">
          {overrides.map((row, index) => (
            <OverrideItem
              key={row.id}
              row={row}
              index={index}
              today={today}
              errors={errors}
              duplicate={duplicates.has(row.id)}
              errorPrefix={uid}
              onChange={(patch) => change(row.id, patch)}
              onRemove={() => {
                focusNext.current = ".override-add input";
                onChange(removeOverride(overrides, row.id));
              }}
              focusAfterRender={(selector) => {
                focusNext.current = `[data-override-id="${row.id}"] ${selector}`;
              }}
            />
          ))}
        </ul>
      )}
      <div className="override-add">
        <TextField
          type="date"
          label="New date"
          className="override-add__date"
          value={newDate}
          onChange={(e) => {
            setPicked(e.target.value);
            setAddError(null);
          }}
          onKeyDown={(e) => {
            // Enter adds the date here, rather than saving the whole form.
            if (e.key !== "Enter") return;
            e.preventDefault();
            add();
          }}
          aria-invalid={addError ? true : undefined}
          aria-describedby={addError ? addErrorId : undefined}
        />
        <button type="button" className="button" onClick={add} disabled={full}>
          <span aria-hidden="true">+ </span>Add a date
        </button>
      </div>
      {addError && (
        <p className="field__error" id={addErrorId} role="alert">
          {addError}
        </p>
      )}
      {full && (
        <p className="muted small">
          At most {MAX_OVERRIDES} dates can have their own hours; remove one to add another.
        </p>
      )}
    </section>
  );
}

interface ItemProps {
  row: OverrideRow;
  index: number;
  today: string;
  errors: Record<string, string>;
  duplicate: boolean;
  /** Makes the ids of error messages unique on the page. */
  errorPrefix: string;
  onChange: (patch: Partial<Omit<OverrideRow, "id">>) => void;
  onRemove: () => void;
  focusAfterRender: (selector: string) => void;
}

function OverrideItem({
  row,
  index,
  today,
  errors,
  duplicate,
  errorPrefix,
  onChange,
  onRemove,
  focusAfterRender,
}: ItemProps) {
  const valid = isDateKey(row.date);
  // How the controls are named: by the date, or by position while the date is not valid.
  const name = valid ? row.date : `date ${index + 1}`;
  const unavailable = row.windows.length === 0;
  const overrideError = errors[row.id];
  const overrideErrorId = `${errorPrefix}-${row.id}-error`;

  return (
    <li className="override" data-override-id={row.id} data-date={row.date}>
      <fieldset aria-describedby={overrideError ? overrideErrorId : undefined}>
        <legend className="visually-hidden">Hours on {name}</legend>
        <div className="override__head">
          <TextField
            type="date"
            label={`Date ${index + 1}`}
            hideLabel
            className="override__date"
            value={row.date}
            onChange={(e) => onChange({ date: e.target.value })}
            error={errors[dateKey(row.id)] ?? (duplicate ? DUPLICATE_DATE : undefined)}
          />
          {valid && <span className="override__day">{dayLong(row.date)}</span>}
          {valid && row.date < today && <span className="badge badge--past">Past</span>}
          <button
            type="button"
            className="button button--ghost override__remove"
            onClick={onRemove}
          >
            Remove date <span className="visually-hidden">{name}</span>
          </button>
        </div>
        {overrideError && (
          <p className="field__error" id={overrideErrorId}>
            {overrideError}
          </p>
        )}
        <label className="override__unavailable">
          <input
            type="checkbox"
            checked={unavailable}
            onChange={(e) => {
              onChange(setUnavailable(row, e.target.checked));
              if (!e.target.checked) focusAfterRender(".window input");
            }}
          />
          Unavailable all day <span className="visually-hidden">{`on ${name}`}</span>
        </label>
        {unavailable ? (
          <p className="muted small">Nobody can book you on this date.</p>
        ) : (
          <ul className="windows">
            {row.windows.map((w, i) => {
              const label = `${name}, window ${i + 1}`;
              const error = errors[w.id];
              const errorId = `${errorPrefix}-${w.id}-error`;
              const update = (patch: { start?: string; end?: string }) =>
                onChange({
                  windows: row.windows.map((x) => (x.id === w.id ? { ...x, ...patch } : x)),
                });
              return (
                <li key={w.id} className="window" data-window-id={w.id}>
                  <div className="window__fields">
                    <TextField
                      label={`Start time for ${label}`}
                      hideLabel
                      placeholder="09:00"
                      inputMode="numeric"
                      className="window__time"
                      value={w.start}
                      onChange={(e) => update({ start: e.target.value })}
                      aria-invalid={error ? true : undefined}
                      aria-describedby={error ? errorId : undefined}
                    />
                    <span aria-hidden="true">–</span>
                    <TextField
                      label={`End time for ${label}`}
                      hideLabel
                      placeholder="17:00"
                      inputMode="numeric"
                      className="window__time"
                      value={w.end}
                      onChange={(e) => update({ end: e.target.value })}
                      aria-invalid={error ? true : undefined}
                      aria-describedby={error ? errorId : undefined}
                    />
                    <button
                      type="button"
                      className="button button--ghost"
                      onClick={() => {
                        focusAfterRender(".override__add-window");
                        onChange({ windows: row.windows.filter((x) => x.id !== w.id) });
                      }}
                    >
                      Remove <span className="visually-hidden">{`window ${i + 1} on ${name}`}</span>
                    </button>
                  </div>
                  {error && (
                    <p className="field__error" id={errorId}>
                      {error}
                    </p>
                  )}
                </li>
              );
            })}
          </ul>
        )}
        {row.windows.length < MAX_WINDOWS && (
          <button
            type="button"
            className="button button--small override__add-window"
            onClick={() => {
              const added = suggestRow(row.windows);
              focusAfterRender(`[data-window-id="${added.id}"] input`);
              onChange({ windows: [...row.windows, added] });
            }}
          >
            <span aria-hidden="true">+ </span>Add window{" "}
            <span className="visually-hidden">{`on ${name}`}</span>
          </button>
        )}
      </fieldset>
    </li>
  );
}
