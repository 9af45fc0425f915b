import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { type DocumentNode, execute, type GraphQLError, Kind, validate } from "graphql";
import type { GraphQLContext } from "./context";
import { toDomainError, withErrorCode } from "./errors";
import { logGraphQLErrors, recordGraphQLOperation } from "../lib/observability/graphql-plugin";
import { schema } from "./schema";

export type OperationResult<TResult> = { data?: TResult | null; errors?: readonly GraphQLError[] };

const names = new WeakMap<DocumentNode, string>();

function operationName(document: DocumentNode): string {
  let name = names.get(document);
  if (name === undefined) {
    const definition = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    name =
      definition?.kind === Kind.OPERATION_DEFINITION ? (definition.name?.value ?? "anonymous") : "anonymous";
    names.set(document, name);
  }
  return name;
}

// Codegen's documents are module constants, so validating each once per process is enough.
const validated = new WeakMap<DocumentNode, readonly GraphQLError[]>();

/**
 * Runs a pre-parsed, typed operation on the one schema, in process: what server components and the
 * simulator layer use instead of an HTTP round trip to themselves. Domain failures come back with
 * `extensions.code`, as they would over HTTP.
 */
export async function runOperation<TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  context: GraphQLContext,
): Promise<OperationResult<TResult>> {
  const target = schema();
  const startedAt = performance.now();
  const name = operationName(document);
  let validationErrors = validated.get(document);
  if (validationErrors === undefined) {
    validationErrors = validate(target, document);
    validated.set(document, validationErrors);
  }
  if (validationErrors.length > 0) {
    recordGraphQLOperation(name, "error", (performance.now() - startedAt) / 1000);
    logGraphQLErrors(name, validationErrors);
    return { errors: validationErrors };
  }
  const result = await execute({
    schema: target,
    document,
    variableValues: variables as Record<string, unknown>,
    contextValue: context,
  });
  const data = result.data as TResult | null | undefined;
  recordGraphQLOperation(name, result.errors ? "error" : "success", (performance.now() - startedAt) / 1000);
  if (!result.errors) return { data };
  logGraphQLErrors(name, result.errors);
  return { data, errors: result.errors.map(withErrorCode) };
}

/** The operation's data, or its first error as a DomainError (unexpected errors are rethrown as is). */
export async function runOperationOrThrow<TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  context: GraphQLContext,
): Promise<TResult> {
  const result = await runOperation(document, variables, context);
  const [first] = result.errors ?? [];
  if (first) throw toDomainError(first);
  if (result.data === null || result.data === undefined) throw new Error("The operation returned no data");
  return result.data;
}
