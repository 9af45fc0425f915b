import { GraphQLError } from "graphql";
import { DOMAIN_ERROR_CODES, DomainError, type DomainErrorCode, isDomainError } from "@/lib/errors";

const DOMAIN_CODES: ReadonlySet<string> = new Set(DOMAIN_ERROR_CODES);

export function isDomainErrorCode(code: unknown): code is DomainErrorCode {
  return typeof code === "string" && DOMAIN_CODES.has(code);
}

/** `extensions` a client sees for a domain failure: the code, and the input field when one was wrong. */
export function domainExtensions(error: DomainError): { code: DomainErrorCode; field?: string } {
  return error.field === undefined ? { code: error.code } : { code: error.code, field: error.field };
}

/**
 * Gives a resolver's DomainError its `extensions.code`. graphql-js keeps the thrown error as
 * `originalError`; request errors (bad variables) have no path and no code, and are the caller's fault.
 */
export function withErrorCode(error: GraphQLError): GraphQLError {
  const original = error.originalError;
  if (isDomainError(original)) {
    return new GraphQLError(error.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      originalError: original,
      extensions: { ...error.extensions, ...domainExtensions(original) },
    });
  }
  if (error.path === undefined && error.extensions.code === undefined && !original) {
    return new GraphQLError(error.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      extensions: { ...error.extensions, code: "BAD_USER_INPUT" },
    });
  }
  return error;
}

/**
 * The first error of an in-process operation as the DomainError it stands for. Anything else (a bug,
 * the database being down) is rethrown as is: callers must not mistake it for bad input.
 */
export function toDomainError(error: GraphQLError): DomainError {
  const original = error.originalError;
  if (isDomainError(original)) return original;
  const code = error.extensions.code;
  if (isDomainErrorCode(code)) {
    const field = error.extensions.field;
    return new DomainError(code, error.message, typeof field === "string" ? field : undefined);
  }
  throw original ?? error;
}
