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

const CODES: ReadonlySet<string> = new Set(DOMAIN_ERROR_CODES);

/**
 * Checks the shape, not only the class: Next.js bundles each route separately, so an error thrown by
 * a resolver cached on globalThis may come from another bundle's copy of this module.
 */
export function isDomainError(error: unknown): error is DomainError {
  if (error instanceof DomainError) return true;
  if (!(error instanceof Error) || error.name !== "DomainError") return false;
  const code: unknown = (error as Error & { code?: unknown }).code;
  return typeof code === "string" && CODES.has(code);
}

export function assertUnreachable(value: never): never {
  throw new Error(`Unhandled case: ${String(value)}`);
}
