import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { EnhancedForm } from "@/components/forms/EnhancedForm";
import { SubmitButton } from "@/components/forms/SubmitButton";
import { TextField } from "@/components/forms/TextField";
import { PageShell } from "@/components/PageShell";
import { currentUser } from "@/lib/auth/auth";
import { signInErrorText } from "@/app/_web/forms/login";
import { feedbackFor, readFlash } from "@/app/_web/read-flash";

export const metadata: Metadata = { title: "Sign In" };

/** The form; its post is handled by `app/_web/forms/login.ts` (see `proxy.ts`). */
export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [viewer, flash, query] = await Promise.all([currentUser(), readFlash(), searchParams]);
  if (viewer) redirect("/");
  const feedback = feedbackFor(flash, "login");
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  const authError = signInErrorText(first(query.error), first(query.code));
  return (
    <PageShell viewer={null} flash={flash} title="Sign In" currentPath="/login">
      <EnhancedForm
        action="/login"
        error={feedback?.error ?? authError}
        field={feedback?.field}
        className="auth-form"
        aria-label="Sign in"
      >
        <TextField
          label="Username"
          name="username"
          defaultValue={feedback?.values.username}
          autoComplete="username"
        />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" />
        <div className="actions">
          <SubmitButton>Sign In</SubmitButton>
        </div>
      </EnhancedForm>
    </PageShell>
  );
}
