import { hostname } from "node:os";
import pino, { type DestinationStream, type Logger, type LoggerOptions } from "pino";
import { env } from "../env";

/**
 * The one pino logger of this process: JSON lines on stdout, secrets redacted wherever they sit in
 * a logged object. Human-readable output only for a developer watching a terminal; anything that
 * collects logs (Docker, Alloy, Loki) gets JSON.
 */

/** Keys whose values never reach a log line, at any depth up to SECRET_DEPTH below the root. */
export const SECRET_KEYS = [
  "password",
  "password2",
  "pwd",
  "pwHash",
  "token",
  "accessToken",
  "refreshToken",
  "secret",
  "authorization",
  "cookie",
  "set-cookie",
] as const;

// Deep enough for `req.headers.cookie` and `graphql.variables.input.password`; every level adds
// a wildcard walk to each log call, so it stops where our own log objects stop.
const SECRET_DEPTH = 4;

export const REDACTED = "[REDACTED]";

export function redactPaths(): string[] {
  const paths: string[] = [];
  for (const key of SECRET_KEYS) {
    const accessor = `["${key}"]`;
    paths.push(accessor);
    for (let depth = 1; depth <= SECRET_DEPTH; depth++)
      paths.push("*.".repeat(depth).slice(0, -1) + accessor);
  }
  return paths;
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: "minitwit", pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Level names rather than numbers: log queries and alerts filter on `level="error"`.
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: redactPaths(), censor: REDACTED },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
  };
}

/** A logger with the production configuration, writing to `destination` (stdout when omitted). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}

function createProcessLogger(): Logger {
  const { logLevel, nodeEnv } = env();
  if (nodeEnv === "development" && process.stdout.isTTY) {
    // pino-pretty is a devDependency: named as a transport it is only resolved here, never in production.
    return pino({
      ...loggerOptions(logLevel),
      transport: { target: "pino-pretty", options: { colorize: true } },
    });
  }
  return createLogger(logLevel);
}

const store = globalThis as unknown as { minitwitLogger?: Logger };

/** The process logger, shared by the custom server and every Next.js bundle. */
export const logger: Logger = (store.minitwitLogger ??= createProcessLogger());

/** A logger whose every line carries `bindings` (e.g. `{ component: "simulator" }`). */
export function childLogger(bindings: Record<string, unknown>): Logger {
  return logger.child(bindings);
}
