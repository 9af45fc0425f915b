import { runOperationOrThrow } from "@/graphql/execute";
import { SimRegisterDocument } from "@/graphql/generated/operations";

import { readJsonObject } from "../body";
import { simRoute } from "../handler";
import { withMethods } from "../methods";
import { errorResponse, noContent } from "../responses";

/**
 * A field the reference reads: absent or null counts as empty (so the reference's "You have to
 * enter ..." message answers), any other non-string is a type error.
 */
function textField(body: Record<string, unknown>, name: string): string | Response {
  const value = body[name];
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") return errorResponse(400, `"${name}" must be a string`);
  return value;
}

/** `POST /register` `{"username", "email", "pwd"}`: 204, or 400 with the reference's message. */
const register = simRoute({ auth: false }, async ({ request, context }) => {
  const body = await readJsonObject(request);
  if (!body.ok) return errorResponse(body.status, body.message);
  const username = textField(body.value, "username");
  if (username instanceof Response) return username;
  const email = textField(body.value, "email");
  if (email instanceof Response) return email;
  const password = textField(body.value, "pwd");
  if (password instanceof Response) return password;
  await runOperationOrThrow(SimRegisterDocument, { username, email, password }, context);
  return noContent();
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = withMethods({ POST: register });
