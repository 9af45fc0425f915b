import { hostname } from "node:os";
import pino, { type DestinationStream, type Logger, type LoggerOptions } from "pino";
import { env } from "../runtime/env";
import { singleton } from "../runtime/singleton";

/**
 * The one pino logger of this process: JSON lines on stdout, secrets redacted wherever they sit in
 * a logged object. Human-readable output only for a developer watching a terminal; anything that
 * collects logs (Docker, Alloy, Loki) gets JSON.
 */

/** Keys whose values never reach a log line, at any depth, compared case-insensitively. */
export const SECRET_KEYS = ["password2", "authorization", "cookie", "set-cookie"] as const;
/** So are keys ending like these: `newPassword`, `sessionToken`, `authSecret`, `pwHash`. */
export const SECRET_KEY_SUFFIXES = ["password", "pwd", "pwhash", "token", "secret"] as const;

export const REDACTED = "[REDACTED]";

const SECRETS: ReadonlySet<string> = new Set(SECRET_KEYS);

function isSecretKey(key: string): boolean {
  const lower = key.toLowerCase();
  if (SECRETS.has(lower)) return true;
  for (const suffix of SECRET_KEY_SUFFIXES) if (lower.endsWith(suffix)) return true;
  return false;
}

// Our own log objects are a few levels deep; the bound only protects against pathological input.
const MAX_DEPTH = 12;

/**
 * `value` with every secret replaced by REDACTED. Copies only the objects on the way to a secret,
 * so a line without secrets (nearly all of them) costs one pass over its keys and no allocation.
 * pino's own `redact` (path patterns) was measured at about 55 µs a line with the wildcard paths
 * this needs at several depths, against about 1 µs here.
 */
export function redactSecrets<T>(value: T): T {
  return redact(value, 0) as T;
}

function redact(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== "object" || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const clean = redact(item, depth + 1);
      if (clean !== item) (copy ??= value.slice())[i] = clean;
    }
    return copy ?? value;
  }
  // An error anywhere (not only under `err`) is logged with its message and stack, and its own
  // fields (a failed HTTP call's `config.headers`...) are checked like any other object.
  if (value instanceof Error) return serializeError(value, depth);
  if (ArrayBuffer.isView(value)) return value;
  return redactFields(value as Record<string, unknown>, depth);
}

function redactFields(object: Record<string, unknown>, depth: number): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(object)) {
    const item = object[key];
    const clean = isSecretKey(key)
      ? item === undefined || item === null
        ? item
        : REDACTED
      : redact(item, depth + 1);
    if (clean !== item) (copy ??= { ...object })[key] = clean;
  }
  return copy ?? object;
}

/** pino's error serializer (type, message, stack, cause, own fields), with secrets redacted. */
function serializeError(error: Error, depth = 0): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  return redactFields(serialized, depth);
}

function serializeIfError(value: unknown): unknown {
  return value instanceof Error ? serializeError(value) : value;
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: "minitwit", pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      // Level names rather than numbers: log queries and alerts filter on `level="error"`.
      level: (label) => ({ level: label }),
      log: (object) => redactSecrets(object),
    },
    // formatters.log has already turned errors into plain objects; these catch what bypasses it.
    serializers: { err: serializeIfError, error: serializeIfError },
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

/** The process logger (created on first use), shared by the custom server and every Next.js bundle. */
export function logger(): Logger {
  return singleton("logger", createProcessLogger);
}

/** A logger whose every line carries `bindings` (e.g. `{ component: "simulator" }`). */
export function childLogger(bindings: Record<string, unknown>): Logger {
  // pino does not pass a child's bindings through formatters.log, so they are cleaned here.
  return logger().child(redactSecrets(bindings));
}

const processHandlers = singleton("processErrorLogging", () => ({ installed: false }));

/**
 * Logs what would otherwise only reach stderr as a bare stack: an uncaught exception (fatal, then
 * exit 1, as the process state is unknown) and an unhandled promise rejection (error, and the
 * server keeps serving). Call once at start-up.
 */
export function logProcessErrors(): void {
  if (processHandlers.installed) return;
  processHandlers.installed = true;
  process.on("uncaughtException", (error, origin) => {
    logger().fatal({ err: error, origin }, "uncaught exception; exiting");
    logger().flush();
    process.exit(1);
  });
  process.on("unhandledRejection", (reason) => {
    logger().error({ err: reason }, "unhandled promise rejection");
  });
}
