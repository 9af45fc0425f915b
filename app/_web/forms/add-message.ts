import { WebPostMessageDocument } from "@/graphql/generated/operations";
import { runOperationOrThrow } from "@/graphql/execute";
import { currentUser } from "../../../lib/auth/auth";
import { isDomainError } from "../../../lib/domain/errors";
import { formRoute } from "../form-route";
import { outcomeForError, SIGN_IN_FIRST, webContext } from "../graphql";

/** `POST /add_message` with `text`. Like the original, an empty text records nothing and says nothing. */
export const POST = formRoute(async ({ fields }) => {
  const viewer = await currentUser();
  if (!viewer) return SIGN_IN_FIRST;
  const text = fields.get("text") ?? "";
  if (text.trim() === "") return { kind: "redirect", to: "/" };
  try {
    await runOperationOrThrow(WebPostMessageDocument, { text }, webContext(viewer));
  } catch (error) {
    if (isDomainError(error))
      return outcomeForError(error, { name: "add_message", values: { text }, back: "/" });
    throw error;
  }
  return { kind: "redirect", to: "/", flash: "Your message was recorded" };
});
