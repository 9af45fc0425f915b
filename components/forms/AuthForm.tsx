import type { ReactNode } from "react";
import type { Flash } from "@/app/_web/flash";
import { PageShell } from "../PageShell";
import { EnhancedForm } from "./EnhancedForm";
import { SubmitButton } from "./SubmitButton";

/** The page of a signed-out form (sign in, sign up): one form, its error, its fields, one button. */
export function AuthForm({
  title,
  action,
  label,
  flash,
  error,
  field,
  submit,
  children,
}: {
  title: string;
  action: string;
  label: string;
  flash: Flash;
  error: string | undefined;
  field: string | undefined;
  submit: string;
  children: ReactNode;
}) {
  return (
    <PageShell viewer={null} flash={flash} title={title} currentPath={action}>
      <EnhancedForm action={action} error={error} field={field} className="auth-form" aria-label={label}>
        {children}
        <div className="actions">
          <SubmitButton>{submit}</SubmitButton>
        </div>
      </EnhancedForm>
    </PageShell>
  );
}
