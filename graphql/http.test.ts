import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";

import { runInOutageScope } from "@/lib/db/availability";
import { DomainError } from "@/lib/domain/errors";

import { formatError } from "./errors";

/** As graphql-js hands a resolver's failure to Apollo's formatError: wrapped, code INTERNAL_SERVER_ERROR. */
function resolverFailure(original: Error) {
  const error = new GraphQLError(original.message, { path: ["publicTimeline"], originalError: original });
  return { formatted: { ...error.toJSON(), extensions: { code: "INTERNAL_SERVER_ERROR" } }, error };
}

describe("formatError", () => {
  it("tells a database outage as UNAVAILABLE with the seconds to wait, masked or not", () => {
    const full = Object.assign(new Error("sorry, too many clients already"), { code: "53300" });
    for (const mask of [true, false]) {
      const { formatted, error } = resolverFailure(full);
      expect(formatError(formatted, error, mask)).toEqual({
        message: "The database is unavailable; try again in a moment",
        path: ["publicTimeline"],
        extensions: { code: "UNAVAILABLE", retryAfterSeconds: 2 },
      });
    }
  });

  it("also when the error no longer shows it but the request's own database call met the outage", () => {
    const { formatted, error } = resolverFailure(new Error("Invalid `prisma.message.findMany()` invocation"));
    expect(formatError(formatted, error, true).extensions?.code).toBe("INTERNAL_SERVER_ERROR");
    const scope = { metOutage: true };
    expect(runInOutageScope(scope, () => formatError(formatted, error, true).extensions?.code)).toBe(
      "UNAVAILABLE",
    );
  });

  it("leaves a bug masked as an internal error, and a domain error as itself", () => {
    const { formatted, error } = resolverFailure(new TypeError("x is undefined"));
    expect(formatError(formatted, error, true)).toEqual({
      message: "Internal server error",
      path: ["publicTimeline"],
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    });
    const domain = resolverFailure(new DomainError("USER_NOT_FOUND", "No such user"));
    expect(
      runInOutageScope({ metOutage: true }, () => formatError(domain.formatted, domain.error, true)),
    ).toMatchObject({ extensions: { code: "USER_NOT_FOUND" } });
  });
});
