import type { WebTimelinePageFragment } from "@/graphql/generated/operations";
import type { Viewer } from "@/lib/auth/auth";
import { FlagButton } from "./FlagButton";
import { MessageList } from "./MessageList";
import { Pagination } from "./Pagination";

/** A page of a timeline, the link to older messages, and the admins' flag buttons. */
export function Timeline({
  page,
  viewer,
  basePath,
  currentPath,
}: {
  page: WebTimelinePageFragment;
  viewer: Viewer | null;
  basePath: string;
  /** Where an admin returns after flagging. */
  currentPath: string;
}) {
  const messages = page.edges.map(({ node }) => node);
  const admin = viewer?.role === "ADMIN";
  return (
    <>
      <MessageList
        messages={messages}
        actionsFor={
          admin
            ? (message) => (
                <FlagButton
                  messageId={message.id}
                  returnTo={currentPath}
                  label={`message by ${message.author.username}`}
                />
              )
            : undefined
        }
      />
      <Pagination
        basePath={basePath}
        endCursor={page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null}
      />
    </>
  );
}
