import { makeExecutableSchema } from "@graphql-tools/schema";
import type { GraphQLSchema } from "graphql";
import { typeDefs } from "./generated/type-defs";
import { resolvers } from "./resolvers";

const store = globalThis as unknown as { minitwitSchema?: GraphQLSchema };

/** The one executable schema of this process, shared by Apollo and in-process callers. */
export function schema(): GraphQLSchema {
  store.minitwitSchema ??= makeExecutableSchema({ typeDefs, resolvers });
  return store.minitwitSchema;
}
