"use client";

import { useFormState } from "./EnhancedForm";

/** The post box's text field (named `text`, as the original's), submitting on Enter like it did. */
export function MessageBox({ labelledBy, defaultValue }: { labelledBy: string; defaultValue?: string }) {
  const { error, field, errorId } = useFormState();
  const invalid = error !== null && field === "text";
  return (
    <textarea
      name="text"
      rows={3}
      className="message-box"
      defaultValue={defaultValue}
      aria-labelledby={labelledBy}
      aria-invalid={invalid || undefined}
      aria-describedby={invalid ? errorId : undefined}
      onKeyDown={(event) => {
        if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
          event.preventDefault();
          event.currentTarget.form?.requestSubmit();
        }
      }}
    />
  );
}
