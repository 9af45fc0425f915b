import { notFound } from "next/navigation";
import { runOperationOrThrow } from "@/graphql/execute";
import { WebUserProfileDocument } from "@/graphql/generated/operations";
import type { Viewer } from "../../lib/auth/auth";
import { userPath } from "@/components/MessageItem";
import { webContext } from "./graphql";
import { loadTimeline } from "./timeline-page";

/** The loader of `/<username>`: the profile (404 if there is no such user) and its timeline. */
export async function loadUserPage(
  username: string,
  viewer: Viewer | null,
  searchParams: Record<string, string | string[] | undefined>,
) {
  const { user } = await runOperationOrThrow(WebUserProfileDocument, { username }, webContext(viewer));
  if (!user) notFound();
  const path = userPath(user.username);
  const timeline = await loadTimeline({ kind: "user", username: user.username }, viewer, searchParams, path);
  return { user, path, timeline };
}
