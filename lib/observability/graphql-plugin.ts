import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import type { GraphQLError } from "graphql";
import { isDomainError } from "../domain/errors";
import { requestLogger } from "./http";
import { recordGraphQLOperation, type GraphQLOutcome } from "./metrics";

/**
 * GraphQL observability shared by both ways operations run: the Apollo plugin below for
 * `/api/graphql`, and `recordGraphQLOperation` + `logGraphQLErrors` called by the in-process
 * executor, so both count in `minitwit_graphql_operations_total` and log alike.
 */
export { recordGraphQLOperation, type GraphQLOutcome };

/**
 * A bug rather than a refusal: an error thrown from a resolver that is neither a DomainError nor a
 * GraphQLError thrown on purpose. Errors without an original (syntax, validation, variable
 * coercion) are the client's mistake.
 */
export function isUnexpectedGraphQLError(error: GraphQLError): boolean {
  const original = error.originalError;
  if (original === undefined || original === null) return false;
  if (isDomainError(original)) return false;
  if (isGraphQLError(original)) return original.extensions.code === "INTERNAL_SERVER_ERROR";
  return true;
}

// Not `instanceof`: Apollo (loaded as a Node package) and bundled code can each hold their own copy
// of graphql-js (its CommonJS and ESM builds), and an error from one is no instance of the other's class.
function isGraphQLError(error: Error): error is GraphQLError {
  const { extensions } = error as { extensions?: unknown };
  return typeof extensions === "object" && extensions !== null && "locations" in error;
}

/** Unexpected errors at error level with their stack; expected ones at debug level only. */
export function logGraphQLErrors(
  operation: string | null | undefined,
  errors: readonly GraphQLError[],
): void {
  const log = requestLogger();
  for (const error of errors) {
    if (isUnexpectedGraphQLError(error)) {
      log.error({ err: error.originalError, operation, path: error.path }, "GraphQL operation failed");
    } else if (log.isLevelEnabled("debug")) {
      const original = error.originalError;
      const code = isDomainError(original) ? original.code : error.extensions.code;
      log.debug({ operation, code, path: error.path, message: error.message }, "GraphQL operation refused");
    }
  }
}

/**
 * Apollo Server plugin: counts and times each operation and logs its errors. Only a name the
 * server resolved from the document labels the series (a request that fails before that counts as
 * `anonymous`), and only if it is one of this repository's operations; any other name is `other`.
 */
export function graphqlObservabilityPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const startedAt = performance.now();
      let failed = false;
      return {
        async didEncounterErrors({ errors, operationName, request }) {
          failed = true;
          logGraphQLErrors(operationName ?? request.operationName, errors);
        },
        async willSendResponse({ response, operationName }) {
          const { body } = response;
          const hasErrors = body.kind === "single" && (body.singleResult.errors?.length ?? 0) > 0;
          const outcome: GraphQLOutcome = failed || hasErrors ? "error" : "success";
          recordGraphQLOperation(operationName, outcome, (performance.now() - startedAt) / 1000);
        },
      };
    },
  };
}
