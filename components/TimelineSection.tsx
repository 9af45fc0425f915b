import type { Viewer } from "@/lib/auth/auth";
import type { TimelineView } from "@/app/_web/timeline-page";
import { LiveTimeline } from "./LiveTimeline";
import { Timeline } from "./Timeline";

/**
 * One page of a timeline, as `loadTimeline` loaded it. Deliberately not behind a `<Suspense>`
 * boundary: streamed content needs JavaScript to replace its placeholder, and every page must work
 * without it.
 */
export function TimelineSection({ timeline, viewer }: { timeline: TimelineView; viewer: Viewer | null }) {
  const { page, live, basePath, currentPath } = timeline;
  return (
    <>
      {live ? (
        <LiveTimeline
          // A fresh render (after posting, say) shows the newest messages itself: start again from them.
          key={live.startCursor ?? "empty"}
          query={live.query}
          timeline={live.timeline}
          username={live.username}
          startCursor={live.startCursor}
        />
      ) : null}
      <Timeline page={page} viewer={viewer} basePath={basePath} currentPath={currentPath} />
    </>
  );
}
