import pino from "pino";

// Placeholder until the observability branch lands (redaction, levels from env).
const store = globalThis as unknown as { minitwitLogger?: pino.Logger };

export function logger(): pino.Logger {
  store.minitwitLogger ??= pino({ level: process.env.LOG_LEVEL ?? "info" });
  return store.minitwitLogger;
}
