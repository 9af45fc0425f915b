/**
 * Expected failures of the domain. Each transport (GraphQL, the simulator protocol, web forms)
 * maps every code with an exhaustive switch, so adding a code fails to compile until all decide.
 */
export const DOMAIN_ERROR_CODES = [
  "BAD_USER_INPUT",
  "USERNAME_TAKEN",
  "USER_NOT_FOUND",
  "MESSAGE_NOT_FOUND",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "RATE_LIMITED",
] as const;

export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Which input field was wrong, where one was. */
    readonly field?: string,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

export function assertUnreachable(value: never): never {
  throw new Error(`Unhandled case: ${String(value)}`);
}
