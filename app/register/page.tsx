import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { EnhancedForm } from "@/components/forms/EnhancedForm";
import { SubmitButton } from "@/components/forms/SubmitButton";
import { TextField } from "@/components/forms/TextField";
import { PageShell } from "@/components/PageShell";
import { currentUser } from "@/lib/auth/auth";
import { feedbackFor, readFlash } from "@/app/_web/read-flash";

export const metadata: Metadata = { title: "Sign Up" };

/** The form; its post is handled by `app/_web/forms/register.ts` (see `proxy.ts`). */
export default async function RegisterPage() {
  const [viewer, flash] = await Promise.all([currentUser(), readFlash()]);
  if (viewer) redirect("/");
  const feedback = feedbackFor(flash, "register");
  return (
    <PageShell viewer={null} flash={flash} title="Sign Up" currentPath="/register">
      <EnhancedForm
        action="/register"
        error={feedback?.error}
        field={feedback?.field}
        className="auth-form"
        aria-label="Sign up"
      >
        <TextField
          label="Username"
          name="username"
          defaultValue={feedback?.values.username}
          autoComplete="username"
        />
        <TextField
          label="E-Mail"
          name="email"
          type="email"
          defaultValue={feedback?.values.email}
          autoComplete="email"
        />
        <TextField label="Password" name="password" type="password" autoComplete="new-password" />
        <TextField label="Password (repeat)" name="password2" type="password" autoComplete="new-password" />
        <div className="actions">
          <SubmitButton>Sign Up</SubmitButton>
        </div>
      </EnhancedForm>
    </PageShell>
  );
}
