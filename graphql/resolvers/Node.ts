import type { NodeResolvers } from "../generated/resolvers-types";

export const Node: NodeResolvers = {
  __resolveType: (node) => {
    if ("text" in node) return "Message";
    if ("username" in node) return "User";
    return "ApiToken";
  },
};
