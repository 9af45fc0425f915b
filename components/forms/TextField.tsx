"use client";

import { useFormState } from "./EnhancedForm";

interface Props {
  label: string;
  /** The original's field name; scripted clients post it. */
  name: string;
  type?: "text" | "password" | "email";
  defaultValue?: string;
  autoComplete?: string;
}

export function TextField({ label, name, type = "text", defaultValue, autoComplete }: Props) {
  const { error, field, errorId } = useFormState();
  const invalid = error !== null && field === name;
  const id = `field-${name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        type={type}
        defaultValue={defaultValue}
        autoComplete={autoComplete}
        autoCapitalize={type === "text" ? "none" : undefined}
        spellCheck={false}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? errorId : undefined}
      />
    </div>
  );
}
