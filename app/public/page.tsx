import type { Metadata } from "next";
import { PageShell } from "@/components/PageShell";
import { TimelineSection } from "@/components/TimelineSection";
import { currentUser } from "@/lib/auth/auth";
import { readFlash } from "@/app/_web/read-flash";
import { afterParam, pathWithCursor } from "@/app/_web/timeline-page";

export const metadata: Metadata = { title: "Public Timeline" };

/** Everyone's messages, newest first. */
export default async function PublicTimelinePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const after = afterParam(await searchParams);
  const [viewer, flash] = await Promise.all([currentUser(), readFlash()]);
  const currentPath = pathWithCursor("/public", after);
  return (
    <PageShell viewer={viewer} flash={flash} title="Public Timeline" currentPath={currentPath}>
      <TimelineSection
        source={{ kind: "public" }}
        viewer={viewer}
        after={after}
        basePath="/public"
        currentPath={currentPath}
      />
    </PageShell>
  );
}
