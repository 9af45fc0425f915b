import type { UserConnectionResolvers, UserEdgeResolvers } from "../generated/resolvers-types";
import { pageInfo, userCursor } from "./connections";

export const UserConnection: UserConnectionResolvers = {
  edges: (page) => page.rows,
  pageInfo: (page) => pageInfo(page, userCursor),
};

export const UserEdge: UserEdgeResolvers = {
  cursor: (user) => userCursor(user),
  node: (user) => user,
};
