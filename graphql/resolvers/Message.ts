import { DomainError } from "@/lib/domain/errors";
import type { MessageResolvers } from "../generated/resolvers-types";
import { toGlobalId } from "../global-id";

export const Message: MessageResolvers = {
  id: (message) => toGlobalId("Message", message.id),
  databaseId: (message) => message.id,
  text: (message) => message.text,
  pubDate: (message) => message.pubDate,
  // Every message list joins its authors; a message just posted loads its author if asked.
  author: async (message, _args, context) => {
    const author = message.author ?? (await context.loaders.userById.load(message.authorId));
    if (!author) throw new DomainError("USER_NOT_FOUND", "The user does not exist");
    return author;
  },
  flagged: (message) => message.flagged,
};
