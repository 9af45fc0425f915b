import { readFileSync } from "node:fs";
import type { CodegenConfig } from "@graphql-codegen/cli";

const SCHEMA_FILE = "graphql/schema.graphql";

/**
 * graphql/schema.graphql is the source of truth. Resolvers are typed against it (with the models
 * they really receive), and each operation under graphql/operations becomes a typed, pre-parsed
 * document that server code runs in process. Output is committed; `npm run codegen:check` fails on drift.
 */
const config: CodegenConfig = {
  schema: SCHEMA_FILE,
  documents: "graphql/operations/**/*.graphql",
  emitLegacyCommonJSImports: false,
  generates: {
    // The runtime schema is built from this module, not from the .graphql file, so no deployment can
    // ship a schema file that differs from the one the code was typed against (nor miss it).
    "graphql/generated/type-defs.ts": {
      plugins: [
        {
          add: {
            content: `/** graphql/schema.graphql, embedded by codegen. */\nexport const typeDefs = ${JSON.stringify(readFileSync(SCHEMA_FILE, "utf8"))};`,
          },
        },
      ],
    },
    "graphql/generated/resolvers-types.ts": {
      plugins: ["typescript", "typescript-resolvers"],
      config: {
        contextType: "../context#GraphQLContext",
        useIndexSignature: false,
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: {
          DateTime: { input: "Date", output: "Date | string" },
          BigInt: { input: "bigint", output: "bigint | string" },
        },
        mappers: {
          User: "../models#UserModel",
          Message: "../models#MessageModel",
          ApiToken: "../models#ApiTokenModel",
          MessageConnection: "../models#MessageConnectionModel",
          UserConnection: "../models#UserConnectionModel",
          MessageEdge: "../models#MessageModel",
          UserEdge: "../models#UserModel",
          TimelineEvent: "../models#TimelineEventModel",
        },
      },
    },
    "graphql/generated/operations.ts": {
      plugins: ["typescript-operations", "typed-document-node"],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: { DateTime: "string", BigInt: "string" },
        // Documents are parsed at build time; graphql-js never re-parses them at run time.
        documentMode: "documentNode",
      },
    },
  },
};

export default config;
