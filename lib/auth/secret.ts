import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ConfigError, env } from "../runtime/env";

let cached: string | undefined;

/**
 * The key that signs and encrypts session cookies. A production deployment on a PostgreSQL server
 * must be given one (`AUTH_SECRET`): a generated key would differ between its instances and change on
 * every deploy, signing everyone out. An instance on the embedded database (always the only one on
 * its data folder) or in development keeps a random key in its data folder, stable across restarts.
 */
export function authSecret(): string {
  if (cached) return cached;
  const config = env();
  if (config.authSecret) {
    if (config.authSecret.length < 32) throw new ConfigError("AUTH_SECRET", "must be at least 32 characters");
    cached = config.authSecret;
  } else if (config.nodeEnv === "production" && !config.embeddedDatabase) {
    throw new ConfigError(
      "AUTH_SECRET",
      "is required in production with DATABASE_URL (e.g. `openssl rand -base64 32`)",
    );
  } else {
    cached = localSecret(config.dataDir);
  }
  return cached;
}

function localSecret(dataDir: string): string {
  const file = path.join(dataDir, "auth-secret");
  try {
    const existing = readFileSync(file, "utf8").trim();
    if (existing.length >= 32) return existing;
  } catch {
    // First start: no key yet.
  }
  const secret = randomBytes(32).toString("base64url");
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, secret + "\n", { mode: 0o600 });
  return secret;
}
