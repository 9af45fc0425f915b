import { runOperationOrThrow } from "@/graphql/execute";
import {
  WebHomeTimelineDocument,
  WebPublicTimelineDocument,
  WebUserTimelineDocument,
} from "@/graphql/generated/operations";
import type { SessionUser } from "@/lib/auth/auth";
import { webContext } from "@/lib/web/graphql";
import { orNotFoundOnBadCursor, TIMELINE_PAGE_SIZE } from "@/lib/web/timeline-page";
import { Timeline } from "./Timeline";

export type TimelineSource = { kind: "public" } | { kind: "home" } | { kind: "user"; username: string };

/**
 * Loads and shows one page of a timeline. Deliberately not behind a `<Suspense>` boundary: streamed
 * content needs JavaScript to replace its placeholder, and every page must work without it.
 */
export async function TimelineSection({
  source,
  viewer,
  after,
  basePath,
  currentPath,
}: {
  source: TimelineSource;
  viewer: SessionUser | null;
  after: string | null;
  basePath: string;
  currentPath: string;
}) {
  const context = webContext(viewer);
  const first = TIMELINE_PAGE_SIZE;
  const page = await orNotFoundOnBadCursor(
    source.kind === "public"
      ? runOperationOrThrow(WebPublicTimelineDocument, { first, after }, context).then(
          (d) => d.publicTimeline,
        )
      : source.kind === "home"
        ? runOperationOrThrow(WebHomeTimelineDocument, { first, after }, context).then((d) => d.homeTimeline)
        : runOperationOrThrow(
            WebUserTimelineDocument,
            { username: source.username, first, after },
            context,
          ).then((d) => d.userTimeline),
  );
  return <Timeline page={page} viewer={viewer} basePath={basePath} currentPath={currentPath} />;
}
