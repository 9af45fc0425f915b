import { makeExecutableSchema } from "@graphql-tools/schema";
import type { GraphQLSchema } from "graphql";
import { typeDefs } from "./generated/type-defs";
import { resolvers } from "./resolvers";
import { singleton } from "@/lib/runtime/singleton";

/** The one executable schema of this process, shared by Apollo and in-process callers. */
export function schema(): GraphQLSchema {
  return singleton("schema", () => makeExecutableSchema({ typeDefs, resolvers }));
}
