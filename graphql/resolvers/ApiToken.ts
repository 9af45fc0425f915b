import type { ApiTokenResolvers } from "../generated/resolvers-types";
import { toGlobalId } from "../global-id";

export const ApiToken: ApiTokenResolvers = {
  id: (token) => toGlobalId("ApiToken", token.id),
  name: (token) => token.name,
  createdAt: (token) => token.createdAt,
  lastUsedAt: (token) => token.lastUsedAt,
  revokedAt: (token) => token.revokedAt,
};
