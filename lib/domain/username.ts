/**
 * What a username may be, for every way one is chosen (the web form, GraphQL, the simulator's
 * `/sim/register`), and the key two names are compared by. Pure: no database, no transport.
 *
 * A name is shown on pages and is a path segment (`/<username>`, `/sim/msgs/<username>`), so it must
 * read as what it is: one Unicode form (NFC), nothing invisible or direction-changing, no spaces at
 * its ends, no mix of look-alike scripts (`аdmin` with a Cyrillic а), and not a route of the app.
 * Two names that differ only in case or Unicode form are the same name; the database enforces that
 * with a unique index on `lower(normalize(username, NFC))`, which `usernameKey` matches.
 */

export const MAX_USERNAME_LENGTH = 64;

/**
 * First path segments the app serves itself: a user with one of these names would have a profile
 * page nobody can reach. Compared by key (any case).
 */
export const RESERVED_USERNAMES: ReadonlySet<string> = new Set([
  "public",
  "login",
  "register",
  "logout",
  "add_message",
  "api",
  "sim",
  "metrics",
  "healthz",
  "readyz",
  "_next",
  "favicon.ico",
  "robots.txt",
  "sitemap.xml",
  "manifest.webmanifest",
  "static",
  "settings",
  "docs",
  "admin",
  "avatar",
  "icon.svg",
  ".",
  "..",
]);

/** Characters a path segment cannot carry as themselves. */
const URL_BREAKING = /[/?#%\\]/u;
/** Controls (NUL among them, which PostgreSQL cannot store), line and paragraph separators. */
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}]/u;
/**
 * Format characters (zero-width spaces and joiners, bidi embeddings, overrides and isolates, the
 * byte-order mark), unpaired surrogates, private-use and unassigned code points: none displays as
 * itself.
 */
const INVISIBLE = /[\p{Cf}\p{Cs}\p{Co}\p{Cn}]/u;
const LEADING_OR_TRAILING_SPACE = /^[\s\p{Z}]|[\s\p{Z}]$/u;
/** The scripts whose letters look alike; a name may use letters of one of them only. */
const CONFUSABLE_SCRIPTS = [/\p{Script=Latin}/u, /\p{Script=Cyrillic}/u, /\p{Script=Greek}/u];

/** The stored form of a name: NFC, so one name has one spelling in the database. */
export function normalizeUsername(username: string): string {
  return username.normalize("NFC");
}

/** The form two usernames are compared in: they are the same name when their keys are equal. */
export function usernameKey(username: string): string {
  return username.normalize("NFC").toLowerCase();
}

/** A route of the app, in any case, and also when written with compatibility forms (`ａｄｍｉｎ`). */
export function isReservedUsername(username: string): boolean {
  return (
    RESERVED_USERNAMES.has(usernameKey(username)) ||
    RESERVED_USERNAMES.has(usernameKey(username.normalize("NFKC")))
  );
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function mixesScripts(username: string): boolean {
  let used = 0;
  for (const script of CONFUSABLE_SCRIPTS) if (script.test(username)) used++;
  return used > 1;
}

/**
 * Why a name cannot be registered, as the message the user sees, or null when it can. The order is
 * the original's for what it checked (empty first); the rest follow.
 */
export function usernameProblem(username: string): string | null {
  const name = normalizeUsername(username);
  if (name.trim() === "") return "You have to enter a username";
  if (codePoints(name) > MAX_USERNAME_LENGTH) {
    return `The username must be at most ${MAX_USERNAME_LENGTH} characters`;
  }
  if (URL_BREAKING.test(name) || CONTROL.test(name)) {
    return "The username must not contain /, ?, #, %, \\ or control characters";
  }
  if (INVISIBLE.test(name)) return "The username must not contain invisible or direction-changing characters";
  if (LEADING_OR_TRAILING_SPACE.test(name)) return "The username must not start or end with a space";
  if (mixesScripts(name)) {
    return "The username must not mix letters of different alphabets (such as Latin and Cyrillic)";
  }
  if (isReservedUsername(name)) return "This username is reserved, please choose another one";
  return null;
}
