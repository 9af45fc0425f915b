import type { MessageConnectionResolvers, MessageEdgeResolvers } from "../generated/resolvers-types";
import { messageCursor, pageInfo } from "./connections";

export const MessageConnection: MessageConnectionResolvers = {
  edges: (page) => page.rows,
  pageInfo: (page) => pageInfo(page, messageCursor),
};

export const MessageEdge: MessageEdgeResolvers = {
  cursor: (message) => messageCursor(message),
  node: (message) => message,
};
