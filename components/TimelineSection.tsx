import { print } from "graphql";
import { runOperationOrThrow } from "@/graphql/execute";
import {
  LiveTimelineEventsDocument,
  WebHomeTimelineDocument,
  WebPublicTimelineDocument,
  WebUserTimelineDocument,
} from "@/graphql/generated/operations";
import type { SessionUser } from "@/lib/auth/auth";
import { webContext } from "@/app/_web/graphql";
import { orNotFoundOnBadCursor, TIMELINE_PAGE_SIZE } from "@/app/_web/timeline-page";
import { LiveTimeline } from "./LiveTimeline";
import { Timeline } from "./Timeline";

/** The live stream's operation, as the text its client sends. */
const LIVE_QUERY = print(LiveTimelineEventsDocument);

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
  // Only the first page is live: new messages belong above the newest one.
  const startCursor = page.edges[0]?.cursor ?? null;
  return (
    <>
      {after === null ? (
        <LiveTimeline
          // A fresh render (after posting, say) shows the newest messages itself: start again from them.
          key={startCursor ?? "empty"}
          query={LIVE_QUERY}
          timeline={source.kind === "public" ? "PUBLIC" : source.kind === "home" ? "HOME" : "USER"}
          username={source.kind === "user" ? source.username : undefined}
          startCursor={startCursor}
        />
      ) : null}
      <Timeline page={page} viewer={viewer} basePath={basePath} currentPath={currentPath} />
    </>
  );
}
