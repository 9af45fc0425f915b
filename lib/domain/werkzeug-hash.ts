import { createHash, createHmac, pbkdf2, scrypt, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";

/**
 * Password hashes written by Werkzeug's `generate_password_hash`, the original MiniTwit's, so that
 * users imported from it keep signing in with their passwords (and get an argon2id hash on the first
 * sign-in). Every format is `<method>$<salt>$<hex digest>`, the salt used as its UTF-8 text:
 *   scrypt:<n>:<r>:<p>          Werkzeug 2.3+ (the default since), a 64-byte key
 *   pbkdf2:<digest>:<iterations> Werkzeug 0.9+ (pbkdf2:sha1 first, pbkdf2:sha256 since 0.15)
 *   <digest>                    Werkzeug before 0.9 (its default `sha1`): HMAC(salt, password), or the
 *                               plain digest of the password when the salt is empty
 *
 * The parameters come from the stored text, so they are bounded: a hostile or corrupt row must not
 * make one sign-in burn seconds of CPU or gigabytes of memory. The bounds sit above anything Werkzeug
 * has written by default (pbkdf2 1,000,000 iterations, scrypt n=2^15 r=8 p=1).
 */

export const MAX_PBKDF2_ITERATIONS = 2_000_000;
/** n·r·p, the scrypt work factor: four times Werkzeug's default. */
export const MAX_SCRYPT_COST = 2 ** 20;
/** 128·n·r bytes, the memory one scrypt verification takes: twice Werkzeug's default. */
export const MAX_SCRYPT_MEMORY = 64 * 1024 * 1024;
const MAX_SALT_LENGTH = 1024;
const SCRYPT_KEY_LENGTH = 64;

const DIGEST_LENGTHS = { md5: 16, sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 } as const;
type Digest = keyof typeof DIGEST_LENGTHS;
// Werkzeug's pbkdf2 took any hashlib name; these are the ones worth meeting (md5 was never a default).
const PBKDF2_DIGESTS: readonly Digest[] = ["sha1", "sha224", "sha256", "sha384", "sha512"];

export type WerkzeugHash =
  | { kind: "scrypt"; n: number; r: number; p: number; salt: string; key: Buffer }
  | { kind: "pbkdf2"; digest: Digest; iterations: number; salt: string; key: Buffer }
  | { kind: "salted-digest"; digest: Digest; salt: string; key: Buffer };

/** Why a stored hash is not a Werkzeug hash this app verifies; `null` when it is one. */
export type WerkzeugHashProblem = "not-werkzeug" | "out-of-bounds";

function isDigest(name: string): name is Digest {
  return Object.hasOwn(DIGEST_LENGTHS, name);
}

/** A decimal integer as Werkzeug writes one, within [min, max]; anything else is null. */
function boundedInt(text: string | undefined, min: number, max: number): number | null {
  if (text === undefined || !/^[1-9][0-9]{0,9}$/.test(text)) return null;
  const value = Number(text);
  return value >= min && value <= max ? value : null;
}

/**
 * Reads a stored hash: the parsed parameters, or why it cannot be verified. `out-of-bounds` is a
 * Werkzeug method whose parameters exceed the bounds above (or whose key has the wrong length).
 */
export function parseWerkzeugHash(stored: string): WerkzeugHash | WerkzeugHashProblem {
  const first = stored.indexOf("$");
  const second = first < 0 ? -1 : stored.indexOf("$", first + 1);
  if (second < 0) return "not-werkzeug";
  const method = stored.slice(0, first);
  const salt = stored.slice(first + 1, second);
  const hex = stored.slice(second + 1);
  if (!/^[0-9a-f]+$/.test(hex) || hex.length % 2 !== 0) return "not-werkzeug";
  const key = Buffer.from(hex, "hex");
  const [name, ...args] = method.split(":");
  if (name === "scrypt") {
    if (args.length !== 3 || salt === "") return "not-werkzeug";
    const [n, r, p] = [
      boundedInt(args[0], 2, MAX_SCRYPT_COST),
      boundedInt(args[1], 1, MAX_SCRYPT_COST),
      boundedInt(args[2], 1, MAX_SCRYPT_COST),
    ];
    if (n === null || r === null || p === null) return "out-of-bounds";
    // scrypt needs n to be a power of two; the rest bounds the work and memory of one verification.
    if ((n & (n - 1)) !== 0 || n * r * p > MAX_SCRYPT_COST || 128 * n * r > MAX_SCRYPT_MEMORY) {
      return "out-of-bounds";
    }
    if (key.length !== SCRYPT_KEY_LENGTH || salt.length > MAX_SALT_LENGTH) return "out-of-bounds";
    return { kind: "scrypt", n, r, p, salt, key };
  }
  if (name === "pbkdf2") {
    // Werkzeug always writes the digest and the iteration count; a count left out would mean its
    // default, which changed between versions, so such a hash cannot be checked reliably.
    const [digest, iterationsText] = args;
    if (args.length !== 2 || digest === undefined || !PBKDF2_DIGESTS.some((d) => d === digest)) {
      return "not-werkzeug";
    }
    if (salt === "") return "not-werkzeug";
    const iterations = boundedInt(iterationsText, 1, MAX_PBKDF2_ITERATIONS);
    if (iterations === null || !isDigest(digest)) return "out-of-bounds";
    if (key.length !== DIGEST_LENGTHS[digest] || salt.length > MAX_SALT_LENGTH) return "out-of-bounds";
    return { kind: "pbkdf2", digest, iterations, salt, key };
  }
  if (name !== undefined && args.length === 0 && isDigest(name)) {
    if (key.length !== DIGEST_LENGTHS[name] || salt.length > MAX_SALT_LENGTH) return "out-of-bounds";
    return { kind: "salted-digest", digest: name, salt, key };
  }
  return "not-werkzeug";
}

/** The method as reports name it: `scrypt`, `pbkdf2:sha256`, `sha1` (no salts, no parameters). */
export function werkzeugHashFormat(hash: WerkzeugHash): string {
  switch (hash.kind) {
    case "scrypt":
      return "scrypt";
    case "pbkdf2":
      return `pbkdf2:${hash.digest}`;
    case "salted-digest":
      return hash.digest;
  }
}

const pbkdf2Async = promisify(pbkdf2);
const scryptAsync = promisify(scrypt) as (
  password: Buffer,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/**
 * Derives the key from the password as Werkzeug did and compares it in constant time. pbkdf2 and
 * scrypt run on libuv's thread pool, so a verification never blocks the event loop.
 */
export async function verifyWerkzeugHash(hash: WerkzeugHash, password: string): Promise<boolean> {
  const secret = Buffer.from(password, "utf8");
  const salt = Buffer.from(hash.salt, "utf8");
  let derived: Buffer;
  switch (hash.kind) {
    case "scrypt":
      // OpenSSL's own limit counts the block buffers too: 128·r·(n + p + 2) bytes, which the bounds
      // on n·r and n·r·p keep within twice MAX_SCRYPT_MEMORY.
      derived = await scryptAsync(secret, salt, hash.key.length, {
        N: hash.n,
        r: hash.r,
        p: hash.p,
        maxmem: 128 * hash.r * (hash.n + hash.p + 2) + 65_536,
      });
      break;
    case "pbkdf2":
      derived = await pbkdf2Async(secret, salt, hash.iterations, hash.key.length, hash.digest);
      break;
    case "salted-digest":
      derived =
        hash.salt === ""
          ? createHash(hash.digest).update(secret).digest()
          : createHmac(hash.digest, salt).update(secret).digest();
      break;
  }
  return derived.length === hash.key.length && timingSafeEqual(derived, hash.key);
}
