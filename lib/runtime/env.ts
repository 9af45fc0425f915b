import { readFileSync } from "node:fs";
import path from "node:path";
import { NetworkListError, parseNetworkList, type NetworkList } from "../observability/networks";

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

/**
 * The example secrets (`docker/secrets/*.example`) say `change-me`: a deployment that copied one
 * unedited would sign sessions with a published key or guard metrics with a published token.
 */
export function isPlaceholderSecret(value: string): boolean {
  return /change-?me/i.test(value);
}

function secret(src: Source, name: string): string | undefined {
  const value = optional(src, name);
  if (value !== undefined && isPlaceholderSecret(value)) {
    throw new ConfigError(name, "is still the example placeholder (`change-me…`): generate a real secret");
  }
  return value;
}

function databaseUrl(src: Source, name: string): string | undefined {
  const url = postgresUrl(src, name);
  if (url !== undefined && isPlaceholderSecret(decodeURIComponent(new URL(url).password))) {
    throw new ConfigError(name, "carries the example placeholder password (`change-me…`)");
  }
  return url;
}

function networks(src: Source, name: string): NetworkList | undefined {
  const raw = optional(src, name);
  if (raw === undefined) return undefined;
  try {
    return parseNetworkList(raw);
  } catch (error) {
    if (error instanceof NetworkListError)
      throw new ConfigError(name, `is not a network list: ${error.message}`);
    throw error;
  }
}

/** A network list kept as text for its consumer, but validated here so that a typo stops start-up. */
function networkListText(src: Source, name: string): string | undefined {
  return networks(src, name) === undefined ? undefined : optional(src, name);
}

/**
 * Which peers may say who the client is (in `X-Forwarded-For`). `hops`: that many proxies stand in
 * front of the app, so the client is the address the outermost one saw (0: no proxy, the socket's
 * address). `networks`: any peer inside them is a proxy of ours, however many there are.
 */
export type TrustedProxies = { hops: number } | { networks: NetworkList };

const MAX_PROXY_HOPS = 10;

function trustedProxies(src: Source, name: string): TrustedProxies {
  const raw = optional(src, name)?.trim();
  if (raw === undefined || ["false", "no", "off"].includes(raw.toLowerCase())) return { hops: 0 };
  if (["true", "yes", "on"].includes(raw.toLowerCase())) {
    throw new ConfigError(
      name,
      `must say whom to trust: the number of proxies in front of the app (e.g. 1) or their networks ` +
        `(e.g. 10.0.0.0/8); "${raw}" would let any client choose its own address`,
    );
  }
  if (/^\d+$/.test(raw)) return { hops: int(src, name, 0, 0, MAX_PROXY_HOPS) };
  const list = networks(src, name);
  return list ? { networks: list } : { hops: 0 };
}

/** Variables that may instead be given as a file (Docker secrets): `NAME_FILE=/run/secrets/name`. */
export const FILE_VARIABLES = [
  "DATABASE_URL",
  "APP_DATABASE_URL",
  "AUTH_SECRET",
  "SIMULATOR_PASSWORD",
  "METRICS_TOKEN",
] as const;

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
    databaseUrl: databaseUrl(src, "DATABASE_URL"),
    /**
     * The migration step only: the URL the app serves with, when it is not the owner's (`DATABASE_URL`
     * there). Its role is created or updated, with the rights the app needs (`lib/db/app-role.ts`).
     */
    appDatabaseUrl: databaseUrl(src, "APP_DATABASE_URL"),
    /** `databaseUrl` is the embedded database's socket (set by `adoptEmbeddedDatabase`, not by users). */
    embeddedDatabase: optional(src, "MINITWIT_EMBEDDED_DB") === "1",
    /** Where the migrator reads migrations (the image keeps them beside its bundles). */
    migrationsDir: str(src, "MIGRATIONS_DIR", path.join(process.cwd(), "prisma", "migrations")),
    /** The server on which `prisma migrate dev` makes its shadow databases; unset: DATABASE_URL's. */
    shadowDatabaseUrl: postgresUrl(src, "SHADOW_DATABASE_URL"),
    dataDir: str(src, "MINITWIT_DATA_DIR", ".data"),
    dbPoolSize: int(src, "DB_POOL_SIZE", 10, 1, 500),
    migrateOnStart: bool(src, "MIGRATE_ON_START", true),
    logLevel: oneOf(src, "LOG_LEVEL", LOG_LEVELS, nodeEnv === "test" ? "warn" : "info"),
    simulatorUser: str(src, "SIMULATOR_USERNAME", "simulator"),
    /** The protocol's default (the course simulator sends it); a deployment must set it explicitly. */
    simulatorPassword: secret(src, "SIMULATOR_PASSWORD") ?? "super_safe!",
    simulatorPasswordSet: optional(src, "SIMULATOR_PASSWORD") !== undefined,
    /** Networks allowed to reach `/sim` at all (the simulator's); unset: any. */
    simAllowedNetworks: networks(src, "SIM_ALLOWED_NETWORKS"),
    simMaxPageSize: int(src, "SIM_MAX_PAGE_SIZE", 10_000, 1, 1_000_000),
    /** Web sign-ups' shortest password; 1 is the original's rule (non-empty). The simulator is exempt. */
    passwordMinLength: int(src, "PASSWORD_MIN_LENGTH", 1, 1, 128),
    /** Seconds to wait for in-flight requests on SIGTERM before closing anyway. */
    shutdownTimeoutSeconds: int(src, "SHUTDOWN_TIMEOUT_SECONDS", 25, 1, 600),
    /** Seconds /readyz reports 503 before the listener closes, so load balancers stop sending first. */
    shutdownDrainSeconds: int(src, "SHUTDOWN_DRAIN_SECONDS", 0, 0, 120),
    metricsToken: secret(src, "METRICS_TOKEN"),
    metricsAllowedNetworks: networkListText(src, "METRICS_ALLOWED_NETWORKS"),
    authSecret: secret(src, "AUTH_SECRET"),
    /** Avatars from gravatar.com instead of the app's own identicons (a third-party request per avatar). */
    gravatar: bool(src, "GRAVATAR", false),
    /** `0`/`false`, a hop count, or CIDR networks: see `TrustedProxies` and `lib/server/client-address.ts`. */
    trustProxy: trustedProxies(src, "TRUST_PROXY"),
    graphqlRateLimitPerMinute: int(src, "GRAPHQL_RATE_LIMIT_PER_MINUTE", 600, 1, 1_000_000),
    /** Live-timeline streams open at once per signed-in user and per client address, across instances. */
    liveStreamsPerUser: int(src, "LIVE_STREAMS_PER_USER", 4, 1, 100_000),
    liveStreamsPerAddress: int(src, "LIVE_STREAMS_PER_ADDRESS", 16, 1, 100_000),
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

/**
 * A deployment (production on a PostgreSQL server, where several replicas may share the database)
 * must not run on defaults that are public: the course's simulator password or an open `/metrics`.
 * Checked by the server at start-up (not by tools such as the migrator, which use none of these).
 * The embedded database (`npm start` with no configuration) is never a deployment.
 */
export function assertDeployable(config: Env): void {
  const deployment =
    config.nodeEnv === "production" && config.databaseUrl !== undefined && !config.embeddedDatabase;
  if (!deployment) return;
  if (!config.simulatorPasswordSet) {
    throw new ConfigError(
      "SIMULATOR_PASSWORD",
      "must be set in a deployment (production with DATABASE_URL); the default is public",
    );
  }
  if (config.metricsToken === undefined && config.metricsAllowedNetworks === undefined) {
    throw new ConfigError(
      "METRICS_TOKEN",
      "or METRICS_ALLOWED_NETWORKS must be set in a deployment, or /metrics would be open to anyone",
    );
  }
}

let cached: Env | undefined;

/** The validated configuration of this process (parsed on first use). */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

/**
 * Makes the embedded database this process started (or joined) its database. Written into
 * `process.env`, the one place every reader sees: Next.js bundles its own copy of this module, and
 * child processes (the build, tools) inherit the environment. Everything else reads it back through
 * `env()`.
 */
export function adoptEmbeddedDatabase(url: string): void {
  process.env.DATABASE_URL = url;
  process.env.MINITWIT_EMBEDDED_DB = "1";
  cached = undefined;
}
