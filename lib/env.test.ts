import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv, resolveFileSecrets } from "./env";

describe("parseEnv", () => {
  it("has safe local defaults", () => {
    const config = parseEnv({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      dataDir: ".data",
      migrateOnStart: true,
      simulatorUser: "simulator",
      simulatorPassword: "super_safe!",
      simMaxPageSize: 10_000,
    });
  });

  it.each([
    [{ PORT: "eighty" }, "PORT", /must be an integer/],
    [{ PORT: "70000" }, "PORT", /between 0 and 65535/],
    [{ DATABASE_URL: "mysql://x@y/z" }, "DATABASE_URL", /postgres:\/\//],
    [{ DATABASE_URL: "not a url" }, "DATABASE_URL", /not a valid URL/],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL", /must be one of/],
    [{ MIGRATE_ON_START: "maybe" }, "MIGRATE_ON_START", /true or false/],
    [{ NODE_ENV: "staging" }, "NODE_ENV", /must be one of/],
  ])("refuses %o naming the variable", (src, variable, message) => {
    let caught: unknown;
    try {
      parseEnv(src);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(variable);
    expect((caught as ConfigError).message).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
    expect((caught as ConfigError).message).toMatch(message);
  });

  it("accepts a PostgreSQL URL and booleans in their usual spellings", () => {
    const config = parseEnv({ DATABASE_URL: "postgresql://u:p@db:5432/minitwit", MIGRATE_ON_START: "off" });
    expect(config.databaseUrl).toBe("postgresql://u:p@db:5432/minitwit");
    expect(config.migrateOnStart).toBe(false);
  });
});

describe("resolveFileSecrets", () => {
  it("reads NAME_FILE into NAME, trimming the trailing newline", () => {
    const src: Record<string, string | undefined> = { DATABASE_URL_FILE: "/run/secrets/db" };
    resolveFileSecrets(src, (file) => (file === "/run/secrets/db" ? "postgresql://a@b/c\n" : ""));
    expect(src.DATABASE_URL).toBe("postgresql://a@b/c");
  });

  it("lets a directly set variable win", () => {
    const src: Record<string, string | undefined> = { AUTH_SECRET: "direct", AUTH_SECRET_FILE: "/x" };
    resolveFileSecrets(src, () => "from-file");
    expect(src.AUTH_SECRET).toBe("direct");
  });

  it("names the variable when the file cannot be read", () => {
    const src: Record<string, string | undefined> = { METRICS_TOKEN_FILE: "/missing" };
    expect(() =>
      resolveFileSecrets(src, () => {
        throw new Error("ENOENT");
      }),
    ).toThrow(/METRICS_TOKEN_FILE names a file that cannot be read/);
  });
});
