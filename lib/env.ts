import { readFileSync } from "node:fs";

/**
 * Configuration comes only from environment variables, validated once. A bad value stops start-up
 * with a message naming the variable.
 */

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
    this.name = "ConfigError";
  }
}

type Source = Record<string, string | undefined>;

function str(src: Source, name: string, fallback: string): string {
  const value = src[name];
  return value === undefined || value === "" ? fallback : value;
}

function optional(src: Source, name: string): string | undefined {
  const value = src[name];
  return value === undefined || value === "" ? undefined : value;
}

function int(src: Source, name: string, fallback: number, min: number, max: number): number {
  const raw = src[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(name, `must be an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function oneOf<T extends string>(src: Source, name: string, values: readonly T[], fallback: T): T {
  const raw = src[name];
  if (raw === undefined || raw === "") return fallback;
  if (!(values as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${values.join(", ")}, got "${raw}"`);
  }
  return raw as T;
}

function bool(src: Source, name: string, fallback: boolean): boolean {
  const raw = src[name];
  if (raw === undefined || raw === "") return fallback;
  if (["1", "true", "yes", "on"].includes(raw.toLowerCase())) return true;
  if (["0", "false", "no", "off"].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function postgresUrl(src: Source, name: string): string | undefined {
  const raw = optional(src, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, "is not a valid URL");
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new ConfigError(name, `must be a postgres:// or postgresql:// URL, got ${url.protocol}//`);
  }
  return raw;
}

/** Variables that may instead be given as a file (Docker secrets): `NAME_FILE=/run/secrets/name`. */
export const FILE_VARIABLES = ["DATABASE_URL", "AUTH_SECRET", "SIMULATOR_PASSWORD", "METRICS_TOKEN"] as const;

/** Reads `NAME_FILE` into `NAME` for the secret-bearing variables; a set `NAME` wins. */
export function resolveFileSecrets(
  src: Source = process.env,
  read: (file: string) => string = (file) => readFileSync(file, "utf8"),
): void {
  for (const name of FILE_VARIABLES) {
    const file = src[`${name}_FILE`];
    if (!file || src[name]) continue;
    try {
      src[name] = read(file).trim();
    } catch (error) {
      throw new ConfigError(`${name}_FILE`, `names a file that cannot be read (${(error as Error).message})`);
    }
  }
}

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export function parseEnv(src: Source = process.env) {
  const nodeEnv = oneOf(src, "NODE_ENV", ["development", "production", "test"] as const, "production");
  return {
    nodeEnv,
    port: int(src, "PORT", 3000, 0, 65535),
    host: str(src, "HOST", "0.0.0.0"),
    /** Unset: an embedded PostgreSQL (PGlite) keeps its data in `dataDir`. */
    databaseUrl: postgresUrl(src, "DATABASE_URL"),
    dataDir: str(src, "MINITWIT_DATA_DIR", ".data"),
    dbPoolSize: int(src, "DB_POOL_SIZE", 10, 1, 500),
    migrateOnStart: bool(src, "MIGRATE_ON_START", true),
    logLevel: oneOf(src, "LOG_LEVEL", LOG_LEVELS, nodeEnv === "test" ? "warn" : "info"),
    simulatorUser: str(src, "SIMULATOR_USERNAME", "simulator"),
    simulatorPassword: str(src, "SIMULATOR_PASSWORD", "super_safe!"),
    simMaxPageSize: int(src, "SIM_MAX_PAGE_SIZE", 10_000, 1, 1_000_000),
    /** Seconds to wait for in-flight requests on SIGTERM before closing anyway. */
    shutdownTimeoutSeconds: int(src, "SHUTDOWN_TIMEOUT_SECONDS", 25, 1, 600),
    /** Seconds /readyz reports 503 before the listener closes, so load balancers stop sending first. */
    shutdownDrainSeconds: int(src, "SHUTDOWN_DRAIN_SECONDS", 0, 0, 120),
    metricsToken: optional(src, "METRICS_TOKEN"),
    metricsAllowedNetworks: optional(src, "METRICS_ALLOWED_NETWORKS"),
    authSecret: optional(src, "AUTH_SECRET"),
    /** Avatars from gravatar.com instead of the app's own identicons (a third-party request per avatar). */
    gravatar: bool(src, "GRAVATAR", false),
    /** Behind a proxy of your own: the client address is the first X-Forwarded-For hop. */
    trustProxy: bool(src, "TRUST_PROXY", false),
    graphqlRateLimitPerMinute: int(src, "GRAPHQL_RATE_LIMIT_PER_MINUTE", 600, 1, 1_000_000),
    /**
     * Shut down when the parent process goes away. On by default under npm (`npm start`), which
     * relays SIGTERM and SIGINT to the server but cannot relay SIGKILL: killed, it would leave the
     * server running without a supervisor.
     */
    exitWithParent: bool(
      src,
      "MINITWIT_EXIT_WITH_PARENT",
      optional(src, "npm_lifecycle_event") !== undefined,
    ),
  };
}

export type Env = ReturnType<typeof parseEnv>;

let cached: Env | undefined;

/** The validated configuration of this process (parsed on first use). */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}
