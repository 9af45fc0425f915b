import { errorResponse } from "./responses";

/**
 * PostgreSQL text cannot hold NUL, so no user has a name with one (registration refuses it); such
 * a name is answered as any unknown user instead of reaching a query the database would reject.
 */
export function impossibleUsername(name: string): boolean {
  return name.includes("\u0000");
}

export function unknownUser(): Response {
  return errorResponse(404, "The user does not exist");
}
