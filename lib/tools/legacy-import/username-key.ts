import { isReservedUsername, MAX_USERNAME_LENGTH, usernameKey } from "../../domain/username";

/*
 * The importer compares names by the key sign-up uses (and the database's unique index on it), so
 * both agree on which names collide and which are routes of the app. What an imported name may
 * contain is the importer's own, looser rule: an original database's users keep their names where
 * the app can store and show them.
 */
export { isReservedUsername, usernameKey };

/** Why an imported username cannot be used as it is, or null when it can. */
export function usernameProblem(username: string | null): string | null {
  if (username === null || username.trim() === "") return "it is empty";
  let length = 0;
  for (const _ of username) length++;
  if (length > MAX_USERNAME_LENGTH) return `it is longer than ${MAX_USERNAME_LENGTH} characters`;
  // Control characters (NUL among them, which PostgreSQL cannot store) do not display or link.
  if (/\p{Cc}/u.test(username)) return "it contains control characters";
  return null;
}
