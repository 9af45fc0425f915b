import { execFileSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { werkzeugHashes } from "../../e2e/support/minitwit-db";
import { needsRehash, passwordHashFormat, verifyPassword } from "./password";
import { MAX_PBKDF2_ITERATIONS, parseWerkzeugHash } from "./werkzeug-hash";

const PASSWORD = "pässwörd 😀 '\"\\";

/** What Werkzeug before 0.9 stored for method `sha1` (its default then): HMAC-SHA1 keyed by the salt. */
function legacyWerkzeugHash(digest: string, salt: string, password: string): string {
  const script = `import hashlib, hmac, sys
salt, password = sys.argv[2].encode(), sys.argv[3].encode()
h = hmac.new(salt, password, sys.argv[1]).hexdigest() if salt else hashlib.new(sys.argv[1], password).hexdigest()
print(sys.argv[1] + "$" + sys.argv[2] + "$" + h)`;
  return execFileSync("python3", ["-c", script, digest, salt, password], { encoding: "utf8" }).trim();
}

describe("Werkzeug password hashes", () => {
  let hashes: Record<string, string>;
  beforeAll(() => {
    const methods = ["scrypt", "pbkdf2", "pbkdf2:sha1:150000", "pbkdf2:sha512:20000", "scrypt:16384:8:2"];
    const made = werkzeugHashes(methods.map((method) => [PASSWORD, method]));
    hashes = Object.fromEntries(methods.map((method, i) => [method, made[i]!]));
    hashes.legacy = legacyWerkzeugHash("sha1", "Ab3dEf9h", PASSWORD);
    hashes.unsalted = legacyWerkzeugHash("md5", "", PASSWORD);
  }, 60_000);

  it("verifies what real Werkzeug wrote, with the stored parameters", async () => {
    expect(hashes.scrypt).toMatch(/^scrypt:32768:8:1\$/);
    expect(hashes.pbkdf2).toMatch(/^pbkdf2:sha256:[1-9][0-9]{5,}\$/); // 600,000 or 1,000,000, by version
    for (const stored of Object.values(hashes)) {
      expect(await verifyPassword(stored, PASSWORD), stored).toBe(true);
      expect(await verifyPassword(stored, `${PASSWORD} `), stored).toBe(false);
      expect(await verifyPassword(stored, ""), stored).toBe(false);
    }
    // 21 real key derivations (a million PBKDF2 rounds each at most): seconds on a busy machine.
  }, 60_000);

  it("names each format and asks for an argon2id hash in its place", () => {
    expect(passwordHashFormat(hashes.scrypt!)).toBe("scrypt");
    expect(passwordHashFormat(hashes.pbkdf2!)).toBe("pbkdf2:sha256");
    expect(passwordHashFormat(hashes["pbkdf2:sha1:150000"]!)).toBe("pbkdf2:sha1");
    expect(passwordHashFormat(hashes.legacy!)).toBe("sha1");
    expect(passwordHashFormat(hashes.unsalted!)).toBe("md5");
    expect(needsRehash(hashes.scrypt!)).toBe(true);
    expect(needsRehash("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA")).toBe(false);
    expect(passwordHashFormat("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA")).toBe("argon2id");
  });

  it("refuses parameters that would make one sign-in burn CPU or memory, without computing", async () => {
    const key32 = "ab".repeat(32);
    const key64 = "ab".repeat(64);
    const hostile = [
      `pbkdf2:sha256:${MAX_PBKDF2_ITERATIONS + 1}$salt$${key32}`,
      `pbkdf2:sha256:99999999999$salt$${key32}`,
      `scrypt:2097152:8:1$salt$${key64}`, // 2 GiB of memory
      `scrypt:32768:8:64$salt$${key64}`, // 64 times the default work
      `scrypt:1048576:1:1$salt$${key64}`, // cost within bounds, memory 128 MiB
      `scrypt:30000:8:1$salt$${key64}`, // n not a power of two
      `pbkdf2:sha256:1000$salt$${"ab".repeat(33)}`, // key longer than the digest
      `scrypt:16384:8:1$salt$${key32}`, // Werkzeug's scrypt keys are 64 bytes
      `sha1$${"s".repeat(2000)}$${"ab".repeat(20)}`,
    ];
    for (const stored of hostile) {
      expect(parseWerkzeugHash(stored), stored).toBe("out-of-bounds");
      expect(passwordHashFormat(stored)).toBe("out of bounds");
      const started = performance.now();
      expect(await verifyPassword(stored, PASSWORD)).toBe(false);
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });

  it("reads anything else as not a Werkzeug hash, and a wrong password", async () => {
    const others = [
      "",
      "not-a-hash",
      `plain$$${PASSWORD}`,
      `pbkdf2:sha256$salt$${"ab".repeat(32)}`, // iterations left out: version-dependent default
      `pbkdf2:whirlpool:1000$salt$${"ab".repeat(32)}`,
      `pbkdf2:sha256:1000$salt$${"AB".repeat(32)}`,
      `pbkdf2:sha256:1000$$${"ab".repeat(32)}`,
      `scrypt:16384:8$salt$${"ab".repeat(64)}`,
      `bcrypt$salt$${"ab".repeat(32)}`,
      "$2b$12$abcdefghijklmnopqrstuv",
    ];
    for (const stored of others) {
      expect(parseWerkzeugHash(stored), stored).toBe("not-werkzeug");
      expect(passwordHashFormat(stored)).toBe("unsupported");
      expect(await verifyPassword(stored, PASSWORD)).toBe(false);
    }
  });
});
