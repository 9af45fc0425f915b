import { follow, unfollow } from "@/lib/domain/follows";
import { postMessage, setFlagged } from "@/lib/domain/messages";
import { recordLatest } from "@/lib/domain/simulator";
import { createApiToken, revokeApiToken } from "@/lib/domain/tokens";
import { registerUser } from "@/lib/domain/users";
import { env } from "@/lib/runtime/env";
import { DomainError } from "@/lib/domain/errors";
import { actor, latestToRecord, requireAdmin, requireSimulator, requireViewer } from "../access";
import type { GraphQLContext } from "../context";
import { expectGlobalId } from "../global-id";
import type { MessageModel } from "../models";
import type { MutationResolvers } from "../generated/resolvers-types";

async function flag(
  context: GraphQLContext,
  globalId: string,
  flagged: boolean,
): Promise<{ message: MessageModel }> {
  requireAdmin(context);
  const id = expectGlobalId(globalId, "Message");
  const [changed] = await setFlagged([id], flagged);
  const message = changed === undefined ? null : await context.loaders.messageById.load(changed);
  if (!message) throw new DomainError("MESSAGE_NOT_FOUND", "The message does not exist", "id");
  return { message };
}

export const Mutation: MutationResolvers = {
  register: async (_parent, { input }, context) => {
    const rules = context.isSimulator ? "simulator" : "web";
    const user = await registerUser(input, rules, env().passwordMinLength);
    return { user };
  },
  postMessage: async (_parent, { input }, context) => ({
    message: await postMessage(actor(context, input.actingAs), input.text, {
      latest: latestToRecord(context, input.latest),
    }),
  }),
  follow: async (_parent, { input }, context) => ({
    user: await follow(actor(context, input.actingAs), input.username, {
      latest: latestToRecord(context, input.latest),
    }),
  }),
  unfollow: async (_parent, { input }, context) => ({
    user: await unfollow(actor(context, input.actingAs), input.username, {
      latest: latestToRecord(context, input.latest),
    }),
  }),
  createApiToken: async (_parent, { input }, context) => {
    const viewer = requireViewer(context);
    // A leaked token must not be able to mint successors that outlive its revocation.
    if (context.viewerSource === "token") {
      throw new DomainError("FORBIDDEN", "API tokens can only be created from a signed-in session");
    }
    const { token, record } = await createApiToken(viewer.id, input.name);
    return { token, apiToken: record };
  },
  revokeApiToken: async (_parent, { input }, context) => {
    const viewer = requireViewer(context);
    const apiToken = await revokeApiToken(viewer.id, expectGlobalId(input.id, "ApiToken"));
    return { apiToken };
  },
  flagMessage: (_parent, { input }, context) => flag(context, input.id, true),
  unflagMessage: (_parent, { input }, context) => flag(context, input.id, false),
  recordLatest: async (_parent, { input }, context) => {
    requireSimulator(context);
    await recordLatest(input.value);
    return { latest: input.value };
  },
};
