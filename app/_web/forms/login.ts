import { InvalidCredentials, signIn, SignInThrottled } from "../../../lib/auth/auth";
import { assertUnreachable } from "../../../lib/domain/errors";
import { formRoute } from "../form-route";

function invalidText(reason: InvalidCredentials["reason"]): string {
  switch (reason) {
    case "USER_NOT_FOUND":
      return "Invalid username";
    case "BAD_PASSWORD":
      return "Invalid password";
    default:
      return assertUnreachable(reason);
  }
}

export function throttledText(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Too many failed sign-in attempts. Please wait ${minutes} minute${minutes === 1 ? "" : "s"} and try again.`;
}

/**
 * What the sign-in page says when next-auth's own endpoint (`POST /api/auth/callback/credentials`)
 * redirects to it with `?error=…&code=…`; undefined when there is nothing to say.
 */
export function signInErrorText(error: string | undefined, code: string | undefined): string | undefined {
  if (error === undefined) return undefined;
  if (code === "throttled") return "Too many failed sign-in attempts. Please wait and try again.";
  if (code === "USER_NOT_FOUND" || code === "BAD_PASSWORD") return invalidText(code);
  return "Signing in failed. Please try again.";
}

/**
 * `POST /login` with `username` and `password`, as the original's form. The throttle runs inside
 * the credentials check that `signIn` calls; this form only shows its verdict (429 with Retry-After).
 */
export const POST = formRoute(async ({ fields }) => {
  const username = fields.get("username") ?? "";
  const password = fields.get("password") ?? "";
  try {
    await signIn("credentials", { username, password, redirect: false, redirectTo: "/" });
  } catch (error) {
    if (error instanceof SignInThrottled) {
      return {
        kind: "refused",
        status: 429,
        message: throttledText(error.retryAfterSeconds),
        retryAfterSeconds: error.retryAfterSeconds,
      };
    }
    if (!(error instanceof InvalidCredentials)) throw error;
    return {
      kind: "invalid",
      form: "login",
      error: invalidText(error.reason),
      field: error.reason === "USER_NOT_FOUND" ? "username" : "password",
      values: { username },
      back: "/login",
    };
  }
  return { kind: "redirect", to: "/", flash: "You were logged in" };
});
