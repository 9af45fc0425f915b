import { DomainError } from "@/lib/domain/errors";
import { decodeMessageCursor } from "@/lib/domain/pagination";
import type { LiveTimeline } from "@/lib/live/queries";
import { liveHub } from "@/lib/live/live";
import type { SubscriptionResolvers, TimelineEventResolvers } from "../generated/resolvers-types";
import type { GraphQLContext } from "../context";
import type { TimelineEventModel } from "../models";
import { requireViewer } from "../access";
import { toGlobalId } from "../global-id";

async function timelineOf(
  context: GraphQLContext,
  timeline: "PUBLIC" | "HOME" | "USER",
  username: string | null | undefined,
): Promise<LiveTimeline> {
  switch (timeline) {
    case "PUBLIC":
      return { kind: "public" };
    case "HOME":
      return { kind: "home", viewerId: requireViewer(context).id };
    case "USER": {
      if (username === null || username === undefined) {
        throw new DomainError("BAD_USER_INPUT", "The USER timeline needs a username", "username");
      }
      const user = await context.loaders.userByUsername.load(username);
      if (!user) throw new DomainError("USER_NOT_FOUND", "The user does not exist");
      return { kind: "user", authorId: user.id };
    }
  }
}

export const Subscription: SubscriptionResolvers = {
  messagePosted: {
    subscribe: async (_parent, { timeline, username }, context) => {
      const resolved = await timelineOf(context, timeline, username);
      // `Last-Event-ID` from the transport: a cursor of this stream or of a timeline page's edge.
      const after = context.lastEventId ? decodeMessageCursor(context.lastEventId) : null;
      return liveHub().subscribe(resolved, after);
    },
    resolve: (event: TimelineEventModel) => event,
  },
};

export const TimelineEvent: TimelineEventResolvers = {
  kind: (event) => event.kind,
  cursor: (event) => event.cursor,
  message: (event) => (event.kind === "POSTED" ? event.message : null),
  withdrawnMessageId: (event) => (event.kind === "WITHDRAWN" ? toGlobalId("Message", event.messageId) : null),
};
