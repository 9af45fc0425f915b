import type { Metadata } from "next";
import { AuthForm } from "@/components/forms/AuthForm";
import { TextField } from "@/components/forms/TextField";
import { loadAuthFormPage } from "@/app/_web/auth-page";

export const metadata: Metadata = { title: "Sign Up" };

/** The form; its post is handled by `app/_web/forms/register.ts` (see `proxy.ts`). */
export default async function RegisterPage() {
  const { flash, feedback } = await loadAuthFormPage("register");
  return (
    <AuthForm
      title="Sign Up"
      action="/register"
      label="Sign up"
      flash={flash}
      error={feedback?.error}
      field={feedback?.field}
      submit="Sign Up"
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
    </AuthForm>
  );
}
