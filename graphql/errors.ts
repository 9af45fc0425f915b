import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { DOMAIN_ERROR_CODES, DomainError, type DomainErrorCode, isDomainError } from "@/lib/domain/errors";
import { currentOutageScope, isDatabaseUnavailable, RETRY_AFTER_SECONDS } from "@/lib/db/availability";

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

/**
 * The error a resolver threw, beneath graphql-js's wrapping. Not `instanceof GraphQLError`: Apollo,
 * loaded as a Node package, and bundled code can each hold their own copy of graphql-js.
 */
export function thrownError(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5; depth++) {
    const inner = (current as { originalError?: unknown } | null)?.originalError;
    if (inner === undefined || inner === null) break;
    current = inner;
  }
  return current;
}

/**
 * Whether `error` failed because the database is away: it says so itself, or one of this request's own
 * database calls found the server refused, full or gone (lib/db/availability), which a wrapper's
 * message may no longer show.
 */
export function metDatabaseOutage(error: unknown): boolean {
  return isDatabaseUnavailable(error) || currentOutageScope()?.metOutage === true;
}

export const UNAVAILABLE_MESSAGE = "The database is unavailable; try again in a moment";
/** The error a client sees while the database is away: retry later, nothing is wrong with the query. */
export const UNAVAILABLE_EXTENSIONS = {
  code: "UNAVAILABLE",
  retryAfterSeconds: RETRY_AFTER_SECONDS,
} as const;

/**
 * Hides what went wrong inside (SQL, stack traces) from clients when masking is on; a database outage
 * is told as such (`UNAVAILABLE`, with the seconds to wait), masked or not.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  mask: boolean,
): GraphQLFormattedError {
  const original = thrownError(error);
  if (isDomainError(original)) {
    return {
      message: formatted.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: domainExtensions(original),
    };
  }
  // A validation rule's own code (the page-size rule's BAD_USER_INPUT), which Apollo replaces with
  // GRAPHQL_VALIDATION_FAILED.
  const ownCode = (original as { extensions?: Record<string, unknown> } | null)?.extensions?.code;
  if (ownCode === "BAD_USER_INPUT" && formatted.extensions?.code === "GRAPHQL_VALIDATION_FAILED") {
    return {
      message: formatted.message,
      locations: formatted.locations,
      extensions: (original as { extensions: Record<string, unknown> }).extensions,
    };
  }
  const code = formatted.extensions?.code;
  if (code === undefined || code === "INTERNAL_SERVER_ERROR") {
    if (metDatabaseOutage(error)) {
      return {
        message: UNAVAILABLE_MESSAGE,
        path: formatted.path,
        extensions: { ...UNAVAILABLE_EXTENSIONS },
      };
    }
    if (mask) {
      return {
        message: "Internal server error",
        path: formatted.path,
        extensions: { code: "INTERNAL_SERVER_ERROR" },
      };
    }
  }
  return formatted;
}
