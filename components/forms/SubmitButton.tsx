"use client";

import { useFormState } from "./EnhancedForm";

export function SubmitButton({ children, className = "button" }: { children: string; className?: string }) {
  const { pending } = useFormState();
  return (
    <button type="submit" className={className} disabled={pending}>
      {children}
    </button>
  );
}
