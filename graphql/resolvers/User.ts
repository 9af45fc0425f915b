import { followers, following } from "@/lib/domain/follows";
import { userTimeline } from "@/lib/domain/messages";
import { decodeIdCursor, decodeMessageCursor } from "@/lib/domain/pagination";
import type { UserRecord } from "@/lib/domain/users";
import { avatarUrl } from "@/lib/avatar/avatar";
import { DomainError } from "@/lib/domain/errors";
import { requestedPageSize } from "../access";
import type { GraphQLContext } from "../context";
import { toGlobalId } from "../global-id";
import type { UserModel } from "../models";
import type { UserResolvers } from "../generated/resolvers-types";

/** The whole row for a user that arrived with only its id and name. */
async function full(user: UserModel, context: GraphQLContext): Promise<UserRecord> {
  if (user.email !== undefined && user.createdAt !== undefined && user.role !== undefined) {
    return { ...user, email: user.email, createdAt: user.createdAt, role: user.role };
  }
  const loaded = await context.loaders.userById.load(user.id);
  if (!loaded) throw new DomainError("USER_NOT_FOUND", "The user does not exist");
  return loaded;
}

export const User: UserResolvers = {
  id: (user) => toGlobalId("User", user.id),
  databaseId: (user) => user.id,
  username: (user) => user.username,
  avatarUrl: async (user, { size }, context) => {
    if (!Number.isInteger(size) || size < 1 || size > 2048) {
      throw new DomainError("BAD_USER_INPUT", "size must be between 1 and 2048", "size");
    }
    return avatarUrl((await full(user, context)).email, size);
  },
  createdAt: async (user, _args, context) => (await full(user, context)).createdAt,
  messages: (user, { first, after }, context) =>
    userTimeline(user.id, {
      size: requestedPageSize(context, first),
      after: after ? decodeMessageCursor(after) : null,
    }),
  following: (user, { first, after }, context) =>
    following(user.id, {
      size: requestedPageSize(context, first),
      after: after ? decodeIdCursor(after) : null,
    }),
  followers: (user, { first, after }, context) =>
    followers(user.id, {
      size: requestedPageSize(context, first),
      after: after ? decodeIdCursor(after) : null,
    }),
  followersCount: (user, _args, context) => context.loaders.followersCount.load(user.id),
  followingCount: (user, _args, context) => context.loaders.followingCount.load(user.id),
  viewerIsFollowing: (user, _args, context) =>
    context.viewer ? context.loaders.viewerIsFollowing.load(user.id) : false,
};
