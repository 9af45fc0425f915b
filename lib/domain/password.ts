import { hash, verify } from "@node-rs/argon2";
import { parseWerkzeugHash, verifyWerkzeugHash, werkzeugHashFormat } from "./werkzeug-hash";

/**
 * OWASP's argon2id baseline (m=19 MiB, t=2, p=1). The binding's default algorithm is argon2id; it is
 * not named here because its `Algorithm` is an ambient const enum, which isolated modules cannot read.
 * Hashing runs on libuv's thread pool, so a sign-up never blocks the event loop.
 */
export const PASSWORD_HASH_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, PASSWORD_HASH_OPTIONS);
}

function isArgon2(passwordHash: string): boolean {
  return passwordHash.startsWith("$argon2");
}

/**
 * Minitwit's own argon2 hashes, and the Werkzeug hashes of users imported from the original MiniTwit.
 * False, never a throw, for a malformed stored hash: a corrupt row must read as a wrong password.
 */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    if (isArgon2(passwordHash)) return await verify(passwordHash, password);
    const werkzeug = parseWerkzeugHash(passwordHash);
    return typeof werkzeug === "object" && (await verifyWerkzeugHash(werkzeug, password));
  } catch {
    return false;
  }
}

/** True for a hash to replace with argon2id once the password is known (at a successful sign-in). */
export function needsRehash(passwordHash: string): boolean {
  return !isArgon2(passwordHash);
}

/**
 * What kind of stored hash this is, for the importer's report: `argon2id`, a Werkzeug method
 * (`scrypt`, `pbkdf2:sha256`, ...), or why it cannot be verified (`unsupported`, `out of bounds`).
 */
export function passwordHashFormat(passwordHash: string): string {
  if (isArgon2(passwordHash)) return passwordHash.split("$")[1] ?? "argon2";
  const werkzeug = parseWerkzeugHash(passwordHash);
  if (werkzeug === "not-werkzeug") return "unsupported";
  if (werkzeug === "out-of-bounds") return "out of bounds";
  return werkzeugHashFormat(werkzeug);
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real verification, so that "no such user" and "wrong password" cannot
 * be told apart by how long the answer takes.
 */
export async function verifyDummyPassword(password: string): Promise<void> {
  dummyHash ??= hashPassword("minitwit-timing-equaliser");
  await verifyPassword(await dummyHash, password);
}
