import { ApolloServer } from "@apollo/server";
import { makeExecutableSchema } from "@graphql-tools/schema";
import { GraphQLError } from "graphql";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { DomainError } from "../domain/errors";
import { graphqlObservabilityPlugin, isUnexpectedGraphQLError } from "./graphql-plugin";
import { logger } from "./logger";
import { metrics } from "./metrics";

const schema = makeExecutableSchema({
  typeDefs: /* GraphQL */ `
    type Query {
      hello: String
      boom: String
      missing: String
      refused: String
    }
  `,
  resolvers: {
    Query: {
      hello: () => "world",
      boom: () => {
        throw new TypeError("kaboom in resolver");
      },
      missing: () => {
        throw new DomainError("USER_NOT_FOUND", "no such user");
      },
      refused: () => {
        throw new GraphQLError("slow down", { extensions: { code: "RATE_LIMITED" } });
      },
    },
  },
});

let server: ApolloServer;

beforeAll(async () => {
  server = new ApolloServer({ schema, plugins: [graphqlObservabilityPlugin()] });
  await server.start();
});

afterAll(async () => {
  await server.stop();
});

afterEach(() => void vi.restoreAllMocks());

async function counted(operation: string, outcome: string): Promise<{ total: number; timed: number }> {
  const { graphql } = metrics();
  const total = (await graphql.operations.get()).values.find(
    (v) => v.labels.operation === operation && v.labels.outcome === outcome,
  );
  const timed = (await graphql.duration.get()).values.find(
    (v) =>
      v.metricName === "minitwit_graphql_operation_duration_seconds_count" &&
      v.labels.operation === operation &&
      v.labels.outcome === outcome,
  );
  return { total: total?.value ?? 0, timed: timed?.value ?? 0 };
}

async function run(query: string, operation: string, outcome: string) {
  const before = await counted(operation, outcome);
  const result = await server.executeOperation({ query });
  const after = await counted(operation, outcome);
  return { result, moved: after.total - before.total, timed: after.timed - before.timed };
}

function spyLogs() {
  return {
    error: vi.spyOn(logger(), "error").mockImplementation(() => undefined),
    debug: vi.spyOn(logger(), "debug").mockImplementation(() => undefined),
    enableDebug: vi.spyOn(logger(), "isLevelEnabled").mockReturnValue(true),
  };
}

describe("graphqlObservabilityPlugin", () => {
  // Operation names are labels only when they are the repository's own (graphql/operations).
  it("counts and times a successful named operation", async () => {
    const { result, moved, timed } = await run("query SimLatest { hello }", "SimLatest", "success");
    expect(result.body.kind === "single" && result.body.singleResult.data).toEqual({ hello: "world" });
    expect(moved).toBe(1);
    expect(timed).toBe(1);
  });

  it("labels an unnamed operation anonymous", async () => {
    expect((await run("{ hello }", "anonymous", "success")).moved).toBe(1);
  });

  it("labels a name the repository has no operation for other (the log keeps the name)", async () => {
    expect((await run("query Hello { hello }", "other", "success")).moved).toBe(1);
    expect((await run("query Hello { hello }", "Hello", "success")).moved).toBe(0);
  });

  it("counts an unexpected resolver error as an error and logs it with its stack", async () => {
    const logs = spyLogs();
    const { moved } = await run("query SimPostMessage { boom }", "SimPostMessage", "error");
    expect(moved).toBe(1);
    expect(logs.error).toHaveBeenCalledTimes(1);
    const [fields] = logs.error.mock.calls[0] as unknown as [{ err: Error; operation: string }];
    expect(fields.operation).toBe("SimPostMessage");
    expect(fields.err).toBeInstanceOf(TypeError);
    expect(fields.err.stack).toContain("kaboom in resolver");
  });

  it("counts a domain refusal as an error but logs it at debug level only", async () => {
    const logs = spyLogs();
    const { moved } = await run("query SimRegister { missing }", "SimRegister", "error");
    expect(moved).toBe(1);
    expect(logs.error).not.toHaveBeenCalled();
    expect(logs.debug).toHaveBeenCalledWith(
      expect.objectContaining({ operation: "SimRegister", code: "USER_NOT_FOUND" }),
      expect.any(String),
    );
  });

  it("treats a deliberate GraphQLError as expected", async () => {
    const logs = spyLogs();
    expect((await run("query SimFollow { refused }", "SimFollow", "error")).moved).toBe(1);
    expect(logs.error).not.toHaveBeenCalled();
  });

  it("counts a request that does not parse as an anonymous error, without an error log", async () => {
    const logs = spyLogs();
    expect((await run("query Broken { hello", "anonymous", "error")).moved).toBe(1);
    expect((await run("query Unknown { nope }", "anonymous", "error")).moved).toBe(1);
    expect(logs.error).not.toHaveBeenCalled();
  });
});

describe("isUnexpectedGraphQLError", () => {
  it.each([
    ["a plain Error from a resolver", new GraphQLError("x", { originalError: new Error("x") }), true],
    ["a DomainError", new GraphQLError("x", { originalError: new DomainError("FORBIDDEN", "x") }), false],
    ["a syntax or validation error", new GraphQLError("x"), false],
    [
      "a GraphQLError marked internal",
      new GraphQLError("x", {
        originalError: new GraphQLError("x", { extensions: { code: "INTERNAL_SERVER_ERROR" } }),
      }),
      true,
    ],
  ])("%s → %s", (_case, error, expected) => {
    expect(isUnexpectedGraphQLError(error)).toBe(expected);
  });
});
