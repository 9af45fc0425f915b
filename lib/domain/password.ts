import { hash, verify } from "@node-rs/argon2";

/**
 * OWASP's argon2id baseline (m=19 MiB, t=2, p=1). The binding's default algorithm is argon2id; it is
 * not named here because its `Algorithm` is an ambient const enum, which isolated modules cannot read.
 * Hashing runs on libuv's thread pool, so a sign-up never blocks the event loop.
 */
export const PASSWORD_HASH_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, PASSWORD_HASH_OPTIONS);
}

/** False, never a throw, for a malformed stored hash: a corrupt row must read as a wrong password. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
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
