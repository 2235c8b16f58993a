/**
 * Labelled form controls. Each has a visible label, an optional hint and an
 * error message tied to the control with aria-describedby.
 */
import { type ReactNode, useId } from "react";

interface Base {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  /** Show the label to screen readers only (the context already says it). */
  hideLabel?: boolean;
}

function describedBy(hintId: string, errorId: string, hint: unknown, error: unknown) {
  return [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
}

function Extras({ id, hint, error }: { id: string; hint?: ReactNode; error?: string | undefined }) {
  return (
    <>
      {hint && (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </>
  );
}

type InputProps = Base & Omit<React.InputHTMLAttributes<HTMLInputElement>, "id">;

export function TextField({ label, error, hint, hideLabel, className, ...input }: InputProps) {
  const id = useId();
  return (
    <div className={`field ${className ?? ""}`}>
      <label htmlFor={id} className={hideLabel ? "visually-hidden" : "field__label"}>
        {label}
        {input.required && <span aria-hidden="true"> *</span>}
      </label>
      <input
        id={id}
        className="input"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(`${id}-hint`, `${id}-error`, hint, error)}
        {...input}
      />
      <Extras id={id} hint={hint} error={error} />
    </div>
  );
}

type AreaProps = Base & Omit<React.TextareaHTMLAttributes<HTMLTextAreaElement>, "id">;

export function TextAreaField({ label, error, hint, hideLabel, className, ...area }: AreaProps) {
  const id = useId();
  return (
    <div className={`field ${className ?? ""}`}>
      <label htmlFor={id} className={hideLabel ? "visually-hidden" : "field__label"}>
        {label}
        {area.required && <span aria-hidden="true"> *</span>}
      </label>
      <textarea
        id={id}
        className="input"
        rows={3}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(`${id}-hint`, `${id}-error`, hint, error)}
        {...area}
      />
      <Extras id={id} hint={hint} error={error} />
    </div>
  );
}

type SelectProps = Base &
  Omit<React.SelectHTMLAttributes<HTMLSelectElement>, "id"> & { children: ReactNode };

export function SelectField({
  label,
  error,
  hint,
  hideLabel,
  className,
  children,
  ...select
}: SelectProps) {
  const id = useId();
  return (
    <div className={`field ${className ?? ""}`}>
      <label htmlFor={id} className={hideLabel ? "visually-hidden" : "field__label"}>
        {label}
      </label>
      <select
        id={id}
        className="input"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(`${id}-hint`, `${id}-error`, hint, error)}
        {...select}
      >
        {children}
      </select>
      <Extras id={id} hint={hint} error={error} />
    </div>
  );
}

interface Choice<T extends string | number> {
  value: T;
  label: string;
}

interface ChoiceProps<T extends string | number> {
  legend: string;
  name: string;
  value: T;
  choices: readonly Choice<T>[];
  onChange: (value: T) => void;
  error?: string | undefined;
}

/** A radio group shown as a row of segmented buttons. */
export function ChoiceField<T extends string | number>({
  legend,
  name,
  value,
  choices,
  onChange,
  error,
}: ChoiceProps<T>) {
  const id = useId();
  return (
    <fieldset className="field choice" aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="field__label">{legend}</legend>
      <div className="choice__options">
        {choices.map((choice) => (
          <label key={String(choice.value)} className="choice__option">
            <input
              type="radio"
              name={name}
              value={String(choice.value)}
              checked={choice.value === value}
              onChange={() => onChange(choice.value)}
            />
            <span>{choice.label}</span>
          </label>
        ))}
      </div>
      <Extras id={id} error={error} />
    </fieldset>
  );
}
