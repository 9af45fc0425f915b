import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// authSecret caches per process and env() per module instance: load a fresh copy for each case.
async function load(vars: Record<string, string | undefined>) {
  vi.resetModules();
  for (const [key, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  return import("./secret");
}

describe("authSecret", () => {
  const saved = { ...process.env };
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "minitwit-secret-"));
  });
  afterEach(() => {
    process.env = { ...saved };
    rmSync(dir, { recursive: true, force: true });
  });

  it("is required in production on a PostgreSQL server, naming the variable", async () => {
    const { authSecret } = await load({
      NODE_ENV: "production",
      AUTH_SECRET: undefined,
      DATABASE_URL: "postgresql://u@db/minitwit",
      MINITWIT_EMBEDDED_DB: undefined,
      MINITWIT_DATA_DIR: dir,
    });
    expect(() => authSecret()).toThrow(/^Invalid configuration: AUTH_SECRET is required in production/);
  });

  it("is generated once and kept in the data folder on the embedded database", async () => {
    const vars = {
      NODE_ENV: "production",
      AUTH_SECRET: undefined,
      MINITWIT_EMBEDDED_DB: "1",
      MINITWIT_DATA_DIR: dir,
    };
    const first = (await load(vars)).authSecret();
    const second = (await load(vars)).authSecret();
    expect(first).toHaveLength(43);
    expect(second).toBe(first);
    expect(readFileSync(path.join(dir, "auth-secret"), "utf8").trim()).toBe(first);
  });

  it("refuses a short configured secret", async () => {
    const { authSecret } = await load({ AUTH_SECRET: "short", MINITWIT_DATA_DIR: dir });
    expect(() => authSecret()).toThrow(/AUTH_SECRET must be at least 32 characters/);
  });
});
