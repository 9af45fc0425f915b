import { WebRegisterDocument } from "@/graphql/generated/operations";
import { runOperationOrThrow } from "@/graphql/execute";
import { validateRegistration } from "@/lib/domain/users";
import { currentUser } from "../../../lib/auth/auth";
import { isDomainError } from "../../../lib/domain/errors";
import { formRoute } from "../form-route";
import { outcomeForError, webContext } from "../graphql";

/** `POST /register` with `username`, `email`, `password`, `password2`, checked in the original's order. */
export const POST = formRoute(async ({ fields }) => {
  if (await currentUser()) return { kind: "redirect", to: "/" };
  const username = fields.get("username") ?? "";
  const email = fields.get("email") ?? "";
  const password = fields.get("password") ?? "";
  const password2 = fields.get("password2") ?? "";
  const form = { name: "register" as const, values: { username, email }, back: "/register" };
  try {
    // The original's username, email and password checks come before the repeat check; the mutation
    // applies them again, then tells a taken name, and only then the operator's password policy.
    validateRegistration({ username, email, password }, "web");
    if (password !== password2) {
      return {
        kind: "invalid",
        ...formFields(form),
        error: "The two passwords do not match",
        field: "password2",
      };
    }
    await runOperationOrThrow(WebRegisterDocument, { username, email, password }, webContext(null));
  } catch (error) {
    if (isDomainError(error)) return outcomeForError(error, form);
    throw error;
  }
  return { kind: "redirect", to: "/login", flash: "You were successfully registered and can login now" };
});

function formFields(form: { name: "register"; values: Record<string, string>; back: string }) {
  return { form: form.name, values: form.values, back: form.back };
}
