import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { EnhancedForm } from "@/components/forms/EnhancedForm";
import { MessageBox } from "@/components/forms/MessageBox";
import { SubmitButton } from "@/components/forms/SubmitButton";
import { PageShell } from "@/components/PageShell";
import { TimelineSection } from "@/components/TimelineSection";
import { currentUser } from "@/lib/auth/auth";
import { feedbackFor, readFlash } from "@/app/_web/read-flash";
import { loadTimeline } from "@/app/_web/timeline-page";

// The title template applies to child segments only, and this page shares the root segment.
export const metadata: Metadata = { title: { absolute: "My Timeline | MiniTwit" } };

/** My Timeline: own messages and those of followed users, with the post box. */
export default async function HomePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const viewer = await currentUser();
  if (!viewer) redirect("/public");
  const [timeline, flash] = await Promise.all([
    loadTimeline({ kind: "home" }, viewer, await searchParams, "/"),
    readFlash(),
  ]);
  const feedback = feedbackFor(flash, "add_message");
  return (
    <PageShell viewer={viewer} flash={flash} title="My Timeline" currentPath={timeline.currentPath}>
      <section className="twitbox" aria-labelledby="twitbox-title">
        <h3 id="twitbox-title">What&apos;s on your mind {viewer.username}?</h3>
        <EnhancedForm action="/add_message" resetOnSuccess error={feedback?.error} field={feedback?.field}>
          <div className="row">
            <MessageBox labelledBy="twitbox-title" defaultValue={feedback?.values.text} />
            <SubmitButton>Share</SubmitButton>
          </div>
        </EnhancedForm>
      </section>
      <TimelineSection timeline={timeline} viewer={viewer} />
    </PageShell>
  );
}
