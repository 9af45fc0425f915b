import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { childLogger, createLogger, logger, REDACTED, redactSecrets } from "./logger";
import { env } from "../runtime/env";

function memoryLogger(level = "debug") {
  const lines: string[] = [];
  const log = createLogger(level, { write: (line: string) => void lines.push(line) });
  return { log, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const SECRETS = {
  password: "hunter2-plain-password",
  password2: "hunter2-repeated",
  pwd: "sim-pwd-secret",
  basic: "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh",
  bearer: "Bearer metrics-token-123",
  session: "authjs.session-token=eyJhbGciOiJkaXIi-session",
  setCookie: "authjs.session-token=eyJ-new-session; Path=/; HttpOnly",
  token: "api-token-abcdef",
  hash: "$argon2id$v=19$m=19456,t=2,p=1$hash",
};

describe("logger redaction", () => {
  it("keeps every secret of a login request out of the output, wherever it is nested", () => {
    const { log, lines } = memoryLogger();
    log.info(
      {
        req: {
          method: "POST",
          url: "/login",
          headers: {
            authorization: SECRETS.basic,
            cookie: SECRETS.session,
            "user-agent": "test-agent",
          },
          body: { username: "alice", password: SECRETS.password, password2: SECRETS.password2 },
        },
        res: { statusCode: 303, headers: { "set-cookie": [SECRETS.setCookie] } },
        headers: { authorization: SECRETS.bearer },
        input: { username: "alice", pwd: SECRETS.pwd },
        graphql: { variables: { input: { username: "alice", password: SECRETS.password } } },
        user: { id: 1, username: "alice", pwHash: SECRETS.hash },
        token: SECRETS.token,
      },
      "login",
    );
    log.error({ body: { pwd: SECRETS.pwd }, err: new Error("login failed") }, "login failed");

    const output = lines.join("");
    for (const secret of Object.values(SECRETS)) expect(output).not.toContain(secret);
    expect(output).toContain(REDACTED);
    // Redaction must not swallow what is useful for debugging.
    expect(output).toContain("alice");
    expect(output).toContain("test-agent");
  });

  it("redacts a secret at the top level of the log object", () => {
    const { log, records } = memoryLogger();
    log.info({ password: SECRETS.password, authorization: SECRETS.basic, cookie: SECRETS.session }, "x");
    expect(records()[0]).toMatchObject({ password: REDACTED, authorization: REDACTED, cookie: REDACTED });
  });

  it("matches keys whatever their case and however deep they are nested", () => {
    const { log, lines } = memoryLogger();
    log.info(
      {
        headers: { Authorization: SECRETS.bearer, "Set-Cookie": SECRETS.setCookie },
        a: { b: { c: { d: { e: { f: [{ PASSWORD: SECRETS.password }] } } } } },
      },
      "x",
    );
    const output = lines.join("");
    for (const secret of [SECRETS.bearer, SECRETS.setCookie, SECRETS.password]) {
      expect(output).not.toContain(secret);
    }
  });

  it("redacts keys that end like a secret's name", () => {
    const { log, records } = memoryLogger();
    log.info(
      { newPassword: "a", sessionToken: "b", AUTH_SECRET: "c", tokenCount: 3, username: "alice" },
      "x",
    );
    expect(records()[0]).toMatchObject({
      newPassword: REDACTED,
      sessionToken: REDACTED,
      AUTH_SECRET: REDACTED,
      tokenCount: 3,
      username: "alice",
    });
  });

  it("redacts secrets carried as fields of a logged error", () => {
    const { log, lines } = memoryLogger();
    const error = Object.assign(new Error("request failed"), {
      config: { headers: { authorization: SECRETS.bearer } },
      password: SECRETS.password,
    });
    log.error({ err: error }, "failed");
    log.error({ failure: { during: "login", error } }, "failed, nested");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("request failed");
    const output = lines.join("");
    expect(output).not.toContain(SECRETS.bearer);
    expect(output).not.toContain(SECRETS.password);
    expect(output).toContain("request failed");
  });

  it("redacts the bindings of a child logger", () => {
    const child = childLogger({ component: "auth", token: SECRETS.token });
    const bindings = child.bindings();
    expect(bindings).toMatchObject({ component: "auth", token: REDACTED });
  });

  it("returns the very same object when there is nothing to redact", () => {
    const line = { route: "/public", nested: { status: 200, list: [1, { a: "b" }] } };
    expect(redactSecrets(line)).toBe(line);
  });

  it("leaves the caller's object untouched", () => {
    const { log } = memoryLogger();
    const body = { username: "alice", password: SECRETS.password };
    log.info({ body }, "x");
    expect(body.password).toBe(SECRETS.password);
  });
});

describe("logger format", () => {
  it("writes one JSON object per line with a level name, an ISO time and the message", () => {
    const { log, lines, records } = memoryLogger();
    log.info({ route: "/public" }, "request");
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith("\n")).toBe(true);
    const [record] = records();
    expect(record).toMatchObject({ level: "info", msg: "request", route: "/public", service: "minitwit" });
    expect(new Date(String(record!.time)).toISOString()).toBe(record!.time);
  });

  it("serializes errors under err and error with their stack", () => {
    const { log, records } = memoryLogger();
    const cause = new TypeError("bad thing");
    log.error({ err: cause }, "failed");
    log.error({ error: cause }, "failed again");
    for (const record of records()) {
      const serialized = (record.err ?? record.error) as Record<string, unknown>;
      expect(serialized).toMatchObject({ type: "TypeError", message: "bad thing" });
      expect(String(serialized.stack)).toContain("logger.test.ts");
    }
  });

  it("drops lines below the configured level", () => {
    const { log, lines } = memoryLogger("warn");
    log.info("hidden");
    log.debug("hidden");
    log.warn("shown");
    expect(lines).toHaveLength(1);
  });

  it("gives the process logger the level from the environment", () => {
    expect(logger().level).toBe(env().logLevel);
  });
});

describe("logProcessErrors", () => {
  it("logs an unhandled rejection and an uncaught exception with their stacks, then exits 1", () => {
    const fixture = fileURLToPath(new URL("./fixtures/process-errors.ts", import.meta.url));
    const run = spawnSync(process.execPath, ["--import", "tsx", fixture], {
      encoding: "utf8",
      env: { ...process.env, NODE_ENV: "production", LOG_LEVEL: "info" },
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    const records = run.stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { level: string; err: { type: string; stack: string } });
    expect(records.map((r) => [r.level, r.err.type]).sort()).toEqual([
      ["error", "RangeError"],
      ["fatal", "SyntaxError"],
    ]);
    for (const record of records) expect(record.err.stack).toContain("process-errors.ts");
  });
});
