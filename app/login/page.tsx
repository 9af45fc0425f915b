import type { Metadata } from "next";
import { AuthForm } from "@/components/forms/AuthForm";
import { TextField } from "@/components/forms/TextField";
import { loadAuthFormPage } from "@/app/_web/auth-page";
import { signInErrorText } from "@/app/_web/forms/login";

export const metadata: Metadata = { title: "Sign In" };

/** The form; its post is handled by `app/_web/forms/login.ts` (see `proxy.ts`). */
export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [{ flash, feedback }, query] = await Promise.all([loadAuthFormPage("login"), searchParams]);
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  const authError = signInErrorText(first(query.error), first(query.code));
  return (
    <AuthForm
      title="Sign In"
      action="/login"
      label="Sign in"
      flash={flash}
      error={feedback?.error ?? authError}
      field={feedback?.field}
      submit="Sign In"
    >
      <TextField
        label="Username"
        name="username"
        defaultValue={feedback?.values.username}
        autoComplete="username"
      />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" />
    </AuthForm>
  );
}
