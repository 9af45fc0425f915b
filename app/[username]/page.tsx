import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { EnhancedForm } from "@/components/forms/EnhancedForm";
import { SubmitButton } from "@/components/forms/SubmitButton";
import { userPath } from "@/components/MessageItem";
import { PageShell } from "@/components/PageShell";
import { TimelineSection } from "@/components/TimelineSection";
import { runOperationOrThrow } from "@/graphql/execute";
import { WebUserProfileDocument } from "@/graphql/generated/operations";
import { currentUser } from "@/lib/auth/auth";
import { webContext } from "@/app/_web/graphql";
import { readFlash } from "@/app/_web/read-flash";
import { afterParam, pathWithCursor } from "@/app/_web/timeline-page";

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
  const after = afterParam(await searchParams);
  const viewer = await currentUser();
  const [flash, data] = await Promise.all([
    readFlash(),
    runOperationOrThrow(WebUserProfileDocument, { username }, webContext(viewer)),
  ]);
  const user = data.user;
  if (!user) notFound();
  const path = userPath(user.username);
  const currentPath = pathWithCursor(path, after);
  return (
    <PageShell viewer={viewer} flash={flash} title={`${user.username}'s Timeline`} currentPath={currentPath}>
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
      <TimelineSection
        source={{ kind: "user", username: user.username }}
        viewer={viewer}
        after={after}
        basePath={path}
        currentPath={currentPath}
      />
    </PageShell>
  );
}
