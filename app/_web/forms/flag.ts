import { WebFlagMessageDocument, WebUnflagMessageDocument } from "@/graphql/generated/operations";
import { runOperationOrThrow } from "@/graphql/execute";
import { currentUser } from "../../../lib/auth/auth";
import { isDomainError } from "../../../lib/domain/errors";
import { formRoute } from "../form-route";
import { outcomeForError, SIGN_IN_FIRST, webContext } from "../graphql";
import { safeReturnPath } from "../return-path";

/** Admins flag (hide) and unflag a message by its `id`, then return to the page they were on (`next`). */
function flagRoute(flagged: boolean) {
  return formRoute(async ({ fields }) => {
    const viewer = await currentUser();
    if (!viewer) return SIGN_IN_FIRST;
    const id = fields.get("id") ?? "";
    const next = safeReturnPath(fields.get("next"), "/public");
    try {
      if (flagged) await runOperationOrThrow(WebFlagMessageDocument, { id }, webContext(viewer));
      else await runOperationOrThrow(WebUnflagMessageDocument, { id }, webContext(viewer));
    } catch (error) {
      if (isDomainError(error)) return outcomeForError(error);
      throw error;
    }
    return flagged
      ? {
          kind: "redirect",
          to: next,
          flash: "The message was flagged and is hidden from every timeline",
          flaggedMessage: id,
        }
      : { kind: "redirect", to: next, flash: "The message was unflagged and shows again" };
  });
}

export const flag = flagRoute(true);
export const unflag = flagRoute(false);
