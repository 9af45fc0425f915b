import type { NextRequest } from "next/server";
import { WebFollowDocument, WebUnfollowDocument } from "@/graphql/generated/operations";
import { runOperationOrThrow } from "@/graphql/execute";
import { currentUser } from "../../../lib/auth/auth";
import { isDomainError } from "../../../lib/domain/errors";
import { formRoute } from "../form-route";
import { outcomeForError, SIGN_IN_FIRST, webContext } from "../graphql";

type Params = { params: Promise<{ username: string }> };

function followRoute(action: "follow" | "unfollow") {
  return (request: NextRequest, { params }: Params) =>
    formRoute(async () => {
      const { username } = await params;
      const viewer = await currentUser();
      if (!viewer) return SIGN_IN_FIRST;
      try {
        if (action === "follow")
          await runOperationOrThrow(WebFollowDocument, { username }, webContext(viewer));
        else await runOperationOrThrow(WebUnfollowDocument, { username }, webContext(viewer));
      } catch (error) {
        if (isDomainError(error)) return outcomeForError(error);
        throw error;
      }
      return {
        kind: "redirect",
        to: `/${encodeURIComponent(username)}`,
        flash:
          action === "follow"
            ? `You are now following "${username}"`
            : `You are no longer following "${username}"`,
      };
    })(request);
}

/** `/<username>/follow`: a plain GET link in the original (scripted clients still use it), a form post here. */
export const follow = followRoute("follow");
export const unfollow = followRoute("unfollow");
