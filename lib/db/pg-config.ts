import pg, { type PoolConfig } from "pg";

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
  };
  const sslmode = parsed.searchParams.get("sslmode");
  if (sslmode === "require" || sslmode === "verify-ca" || sslmode === "verify-full") {
    config.ssl = { rejectUnauthorized: sslmode !== "require" };
  }
  return config;
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
