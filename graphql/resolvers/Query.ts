import { followingByUsername } from "@/lib/domain/follows";
import { homeTimeline, publicTimeline, userTimelineByUsername } from "@/lib/domain/messages";
import { decodeIdCursor, decodeMessageCursor } from "@/lib/domain/pagination";
import { getLatest } from "@/lib/domain/simulator";
import { listApiTokens } from "@/lib/domain/tokens";
import { requestedPageSize, requireViewer } from "../access";
import type { GraphQLContext } from "../context";
import { fromGlobalId } from "../global-id";
import type { MessageModel } from "../models";
import type { QueryResolvers } from "../generated/resolvers-types";

/** Flagged messages exist only for administrators, whichever way they are asked for. */
async function visibleMessage(id: number, context: GraphQLContext): Promise<MessageModel | null> {
  const message = await context.loaders.messageById.load(id);
  if (!message || (message.flagged && context.viewer?.role !== "ADMIN")) return null;
  return message;
}

function messagePage(
  context: GraphQLContext,
  first: number | null | undefined,
  after: string | null | undefined,
) {
  return { size: requestedPageSize(context, first), after: after ? decodeMessageCursor(after) : null };
}

export const Query: QueryResolvers = {
  viewer: (_parent, _args, context) =>
    context.viewer ? context.loaders.userById.load(context.viewer.id) : null,
  user: (_parent, { username }, context) => context.loaders.userByUsername.load(username),
  message: (_parent, { id }, context) => {
    const parsed = fromGlobalId(id);
    return parsed?.type === "Message" ? visibleMessage(parsed.id, context) : null;
  },
  node: async (_parent, { id }, context) => {
    const parsed = fromGlobalId(id);
    if (!parsed) return null;
    switch (parsed.type) {
      case "User":
        return context.loaders.userById.load(parsed.id);
      case "Message":
        return visibleMessage(parsed.id, context);
      case "ApiToken": {
        // A token is only ever visible to its owner.
        if (!context.viewer) return null;
        const tokens = await listApiTokens(context.viewer.id);
        return tokens.find((token) => token.id === parsed.id) ?? null;
      }
    }
  },
  publicTimeline: (_parent, { first, after }, context) => publicTimeline(messagePage(context, first, after)),
  homeTimeline: (_parent, { first, after }, context) => {
    const viewer = requireViewer(context);
    return homeTimeline(viewer.id, messagePage(context, first, after));
  },
  userTimeline: (_parent, { username, first, after }, context) =>
    userTimelineByUsername(username, messagePage(context, first, after)),
  userFollowing: (_parent, { username, first, after }, context) =>
    followingByUsername(username, {
      size: requestedPageSize(context, first),
      after: after ? decodeIdCursor(after) : null,
    }),
  apiTokens: (_parent, _args, context) => listApiTokens(requireViewer(context).id),
  latest: () => getLatest(),
};
