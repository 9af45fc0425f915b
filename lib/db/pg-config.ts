import pg, { type PoolConfig } from "pg";

/**
 * How long a new connection may take, unless the URL says otherwise (`connect_timeout`, in seconds, as
 * libpq reads it). A database host that has gone away silently (no refusal, packets dropped) then fails
 * a request within this time instead of holding it until the client gives up; the same limit bounds a
 * wait for a free connection of a full pool.
 */
export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 3;

/**
 * Splits a postgres:// URL into pg's discrete connection fields. Discrete fields matter where a
 * `database` override must win, which it does not when a `connectionString` is also present.
 */
export function pgConfigFromUrl(url: string): PoolConfig {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error("not a valid URL");
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new Error(`expected a postgres:// or postgresql:// URL, got ${parsed.protocol}//`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, "")) || undefined;
  const config: PoolConfig = {
    host: decodeURIComponent(parsed.hostname) || parsed.searchParams.get("host") || "localhost",
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username) || undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database,
    connectionTimeoutMillis: connectTimeoutSeconds(parsed.searchParams.get("connect_timeout")) * 1000,
    // TCP keep-alive notices a peer that vanished (host crashed, network cut) on an idle connection.
    keepAlive: true,
  };
  const sslmode = parsed.searchParams.get("sslmode");
  if (sslmode === "require" || sslmode === "verify-ca" || sslmode === "verify-full") {
    config.ssl = { rejectUnauthorized: sslmode !== "require" };
  }
  return config;
}

function connectTimeoutSeconds(value: string | null): number {
  if (value === null) return DEFAULT_CONNECT_TIMEOUT_SECONDS;
  const seconds = Number(value);
  // libpq treats 0 (and negative) as "wait forever"; anything else below 2 s as 2 s.
  if (!Number.isFinite(seconds)) throw new Error(`connect_timeout must be a number of seconds, got ${value}`);
  return seconds <= 0 ? 0 : Math.max(2, seconds);
}

/** The same server, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** Runs `run` on a fresh connection (a URL or discrete fields), closed afterwards whatever happens. */
export async function withClient<T>(
  target: string | pg.ClientConfig,
  run: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client(typeof target === "string" ? pgConfigFromUrl(target) : target);
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
