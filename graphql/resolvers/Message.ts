import type { MessageResolvers } from "../generated/resolvers-types";
import { toGlobalId } from "../global-id";

export const Message: MessageResolvers = {
  id: (message) => toGlobalId("Message", message.id),
  databaseId: (message) => message.id,
  text: (message) => message.text,
  pubDate: (message) => message.pubDate,
  // Every message query joins its author, so this never costs a query of its own.
  author: (message) => message.author,
  flagged: (message) => message.flagged,
};
