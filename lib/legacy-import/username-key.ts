import { MAX_USERNAME_LENGTH, RESERVED_USERNAMES } from "../domain/users";

/*
 * MERGE NOTE: a stand-in. Case-insensitive username uniqueness (a normalised key column and its
 * normalisation function, with the username rules) is being added on another branch; when it lands,
 * `usernameKey` and `usernameProblem` become calls to those, so the importer and sign-up agree on
 * which names collide and which are refused. Nothing else in the importer compares names.
 */

/** The form two usernames are compared in: they collide when their keys are equal. */
export function usernameKey(username: string): string {
  return username.normalize("NFC").toLowerCase();
}

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

/** Names the app's own routes use: a user with one would have a page nobody can reach. */
export function isReservedUsername(username: string): boolean {
  return RESERVED_USERNAMES.has(usernameKey(username));
}
