import { loginThrottle } from "../../security/login-throttle";
import { clientAddress } from "../../server/client-address";
import { InvalidCredentials, signIn } from "../../auth/auth";
import { assertUnreachable } from "../../errors";
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

/** `POST /login` with `username` and `password`, as the original's form. */
export const POST = formRoute(async ({ request, fields }) => {
  const username = fields.get("username") ?? "";
  const password = fields.get("password") ?? "";
  const address = clientAddress(request.headers);
  const throttle = loginThrottle();
  const verdict = throttle.check(username, address);
  if (!verdict.allowed) {
    return {
      kind: "refused",
      status: 429,
      message: throttledText(verdict.retryAfterSeconds),
      retryAfterSeconds: verdict.retryAfterSeconds,
    };
  }
  try {
    await signIn("credentials", { username, password, redirect: false, redirectTo: "/" });
  } catch (error) {
    if (!(error instanceof InvalidCredentials)) throw error;
    throttle.recordFailure(username, address);
    return {
      kind: "invalid",
      form: "login",
      error: invalidText(error.reason),
      field: error.reason === "USER_NOT_FOUND" ? "username" : "password",
      values: { username },
      back: "/login",
    };
  }
  throttle.recordSuccess(username);
  return { kind: "redirect", to: "/", flash: "You were logged in" };
});
