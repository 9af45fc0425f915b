import type { Metadata } from "next";
import { EnhancedForm } from "@/components/forms/EnhancedForm";
import { SubmitButton } from "@/components/forms/SubmitButton";
import { PageShell } from "@/components/PageShell";
import { TimelineSection } from "@/components/TimelineSection";
import { currentUser } from "@/lib/auth/auth";
import { readFlash } from "@/app/_web/read-flash";
import { loadUserPage } from "@/app/_web/user-page";

type Props = {
  params: Promise<{ username: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { username } = await params;
  return { title: `${decodeURIComponent(username)}'s Timeline` };
}

/** A user's timeline, with the follow status and control. */
export default async function UserTimelinePage({ params, searchParams }: Props) {
  const username = decodeURIComponent((await params).username);
  const viewer = await currentUser();
  const [flash, { user, path, timeline }] = await Promise.all([
    readFlash(),
    loadUserPage(username, viewer, await searchParams),
  ]);
  return (
    <PageShell
      viewer={viewer}
      flash={flash}
      title={`${user.username}'s Timeline`}
      currentPath={timeline.currentPath}
    >
      {viewer && (
        <div className="followstatus">
          {viewer.username === user.username ? (
            <span className="you">This is you!</span>
          ) : user.viewerIsFollowing ? (
            <>
              <span>You are currently following this user.</span>
              <EnhancedForm action={`${path}/unfollow`} className="inline-form">
                <SubmitButton className="button secondary">Unfollow user</SubmitButton>
              </EnhancedForm>
            </>
          ) : (
            <>
              <span>You are not yet following this user.</span>
              <EnhancedForm action={`${path}/follow`} className="inline-form">
                <SubmitButton>Follow user</SubmitButton>
              </EnhancedForm>
            </>
          )}
        </div>
      )}
      <TimelineSection timeline={timeline} viewer={viewer} />
    </PageShell>
  );
}
