import { createContext, type GraphQLContext } from "@/graphql/context";
import type { Viewer } from "../../lib/auth/auth";
import { assertUnreachable, type DomainError } from "../../lib/domain/errors";
import type { FormName } from "./flash";
import type { FormOutcome } from "./form-route";

/** The GraphQL context of a web request: the signed-in user, by session. */
export function webContext(viewer: Viewer | null): GraphQLContext {
  return createContext({ viewer, viewerSource: "session" });
}

/**
 * How the web shows each domain failure of a form or link. Exhaustive: a new code does not compile
 * until the web decides how to show it.
 */
export function outcomeForError(
  error: DomainError,
  form?: { name: FormName; values: Record<string, string>; back: string },
): FormOutcome {
  switch (error.code) {
    case "BAD_USER_INPUT":
    case "USERNAME_TAKEN":
      if (!form) return { kind: "refused", status: 400, message: error.message };
      return {
        kind: "invalid",
        form: form.name,
        error: error.message,
        values: form.values,
        back: form.back,
        ...(error.field === undefined ? {} : { field: error.field }),
      };
    case "USER_NOT_FOUND":
    case "MESSAGE_NOT_FOUND":
      return { kind: "refused", status: 404, message: error.message };
    case "UNAUTHENTICATED":
      return { kind: "refused", status: 401, message: "You have to sign in first." };
    case "FORBIDDEN":
      return { kind: "refused", status: 403, message: error.message };
    case "RATE_LIMITED":
      return { kind: "refused", status: 429, message: error.message };
    default:
      return assertUnreachable(error.code);
  }
}

export const SIGN_IN_FIRST: FormOutcome = {
  kind: "refused",
  status: 401,
  message: "You have to sign in first.",
};
