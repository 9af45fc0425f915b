import { RETRY_AFTER_SECONDS } from "@/lib/db/availability";
import { assertUnreachable, type DomainError } from "@/lib/domain/errors";

import { errorResponse, forbidden } from "./responses";

/**
 * How the protocol shows each domain failure. Exhaustive: a new code does not compile until this
 * transport decides its status. The domain's messages are the reference's texts (`You have to enter
 * a username`, `The username is already taken`, ...), so they go out unchanged.
 */
export function domainErrorResponse(error: DomainError): Response {
  switch (error.code) {
    case "BAD_USER_INPUT":
    case "USERNAME_TAKEN":
      return errorResponse(400, error.message);
    case "USER_NOT_FOUND":
    case "MESSAGE_NOT_FOUND":
      return errorResponse(404, error.message);
    case "UNAUTHENTICATED":
    case "FORBIDDEN":
      return forbidden();
    case "RATE_LIMITED":
      return errorResponse(429, error.message);
    default:
      return assertUnreachable(error.code);
  }
}

/**
 * The database is away (restarting, crashed, out of connection slots): a 503 the simulator may retry,
 * answered as soon as the connection fails rather than when the client gives up.
 */
export function databaseUnavailableResponse(): Response {
  const response = errorResponse(503, "The database is unavailable; try again in a moment");
  response.headers.set("retry-after", String(RETRY_AFTER_SECONDS));
  return response;
}
