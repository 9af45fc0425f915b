import type { Metadata } from "next";
import { PageShell } from "@/components/PageShell";
import { TimelineSection } from "@/components/TimelineSection";
import { currentUser } from "@/lib/auth/auth";
import { readFlash } from "@/app/_web/read-flash";
import { loadTimeline } from "@/app/_web/timeline-page";

export const metadata: Metadata = { title: "Public Timeline" };

/** Everyone's messages, newest first. */
export default async function PublicTimelinePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [viewer, flash, query] = await Promise.all([currentUser(), readFlash(), searchParams]);
  const timeline = await loadTimeline({ kind: "public" }, viewer, query, "/public");
  return (
    <PageShell viewer={viewer} flash={flash} title="Public Timeline" currentPath={timeline.currentPath}>
      <TimelineSection timeline={timeline} viewer={viewer} />
    </PageShell>
  );
}
