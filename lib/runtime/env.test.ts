import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { assertDeployable, ConfigError, isPlaceholderSecret, parseEnv, resolveFileSecrets } from "./env";

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("no ConfigError was thrown");
}

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
      trustProxy: { hops: 0 },
      simAllowedNetworks: undefined,
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
    [{ TRUST_PROXY: "true" }, "TRUST_PROXY", /number of proxies .* or their networks/],
    [{ TRUST_PROXY: "11" }, "TRUST_PROXY", /between 0 and 10/],
    [{ TRUST_PROXY: "10.0.0.0/33" }, "TRUST_PROXY", /not a network list/],
    [{ SIM_ALLOWED_NETWORKS: "simulator-host" }, "SIM_ALLOWED_NETWORKS", /not a network list/],
    [{ METRICS_ALLOWED_NETWORKS: "10.0.0.0/8,nope" }, "METRICS_ALLOWED_NETWORKS", /not a network list/],
    [{ AUTH_SECRET: "change-me-generate-with-openssl-rand-base64-32" }, "AUTH_SECRET", /placeholder/],
    [{ METRICS_TOKEN: "Change-Me-metrics" }, "METRICS_TOKEN", /placeholder/],
    [{ DATABASE_URL: "postgresql://m:change-me-pw@db/m" }, "DATABASE_URL", /placeholder password/],
    [{ APP_DATABASE_URL: "postgresql://a:change-me-pw@db/m" }, "APP_DATABASE_URL", /placeholder password/],
    [{ APP_DATABASE_URL: "mysql://a:pw@db/m" }, "APP_DATABASE_URL", /postgres:\/\//],
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

describe("TRUST_PROXY", () => {
  it("is a hop count or a network list", () => {
    expect(parseEnv({ TRUST_PROXY: "false" }).trustProxy).toEqual({ hops: 0 });
    expect(parseEnv({ TRUST_PROXY: "1" }).trustProxy).toEqual({ hops: 1 });
    const trusted = parseEnv({ TRUST_PROXY: "10.231.0.0/24, ::1" }).trustProxy;
    expect("networks" in trusted && trusted.networks.networks).toEqual(["10.231.0.0/24", "::1/128"]);
  });
});

describe("example secrets", () => {
  // The files an operator copies: every one the app reads must be refused until it is edited,
  // except the simulator's password, which is the protocol's own (the course simulator sends it).
  // The alert_* files are Alertmanager's (docker/alertmanager/render-config.sh), not the app's, and
  // two of them hold usable defaults (`none`: no heartbeat; no e-mail settings: chat only).
  const dir = path.join(import.meta.dirname, "..", "..", "docker", "secrets");
  const examples = readdirSync(dir).filter((name) => name.endsWith(".example") && !name.startsWith("alert_"));

  it.each(examples.filter((name) => name !== "simulator_password.example"))("%s is a placeholder", (name) => {
    expect(isPlaceholderSecret(readFileSync(path.join(dir, name), "utf8").trim())).toBe(true);
  });

  it("are refused when copied into a deployment's secret files", () => {
    const read = (file: string) => readFileSync(path.join(dir, `${path.basename(file)}.example`), "utf8");
    for (const name of ["DATABASE_URL", "AUTH_SECRET", "METRICS_TOKEN"]) {
      const src: Record<string, string | undefined> = {
        [`${name}_FILE`]: `/run/secrets/${name.toLowerCase()}`,
      };
      resolveFileSecrets(src, read);
      expect(configError(() => parseEnv(src)).variable).toBe(name);
    }
  });
});

describe("docker/generate-secrets.sh", () => {
  it("writes secrets a deployment accepts", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "minitwit-secrets-"));
    try {
      execFileSync("bash", [path.join(import.meta.dirname, "..", "..", "docker", "generate-secrets.sh")], {
        env: { ...process.env, MINITWIT_SECRETS_DIR: dir },
      });
      const src: Record<string, string | undefined> = { NODE_ENV: "production" };
      for (const name of ["DATABASE_URL", "AUTH_SECRET", "SIMULATOR_PASSWORD", "METRICS_TOKEN"]) {
        src[`${name}_FILE`] = path.join(dir, name.toLowerCase());
      }
      resolveFileSecrets(src);
      const config = parseEnv(src);
      expect(() => assertDeployable(config)).not.toThrow();
      expect(config.authSecret?.length).toBeGreaterThanOrEqual(32);
      // The app's own role, with a password of its own; the migration job's URL is the owner's.
      const app = new URL(config.databaseUrl!);
      expect(app.username).toBe("minitwit_app");
      expect(app.password.length).toBeGreaterThanOrEqual(24);
      const owner = new URL(readFileSync(path.join(dir, "owner_database_url"), "utf8"));
      expect(owner.username).toBe("minitwit");
      expect(owner.password).toBe(readFileSync(path.join(dir, "postgres_password"), "utf8"));
      expect(app.password).not.toBe(owner.password);
      expect({ host: app.host, path: app.pathname }).toEqual({ host: owner.host, path: owner.pathname });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("assertDeployable", () => {
  const deployment = {
    NODE_ENV: "production",
    DATABASE_URL: "postgresql://m:real-password@db/m",
    SIMULATOR_PASSWORD: "super_safe!",
    METRICS_TOKEN: "3f9c0e0b6d",
  };

  it("accepts a deployment that sets what it must, with the protocol's simulator password", () => {
    expect(() => assertDeployable(parseEnv(deployment))).not.toThrow();
    const byNetwork = { ...deployment, METRICS_TOKEN: undefined, METRICS_ALLOWED_NETWORKS: "10.0.0.0/8" };
    expect(() => assertDeployable(parseEnv(byNetwork))).not.toThrow();
  });

  it("refuses the default simulator password and an open /metrics, naming the variable", () => {
    const implicit = { ...deployment, SIMULATOR_PASSWORD: undefined };
    expect(configError(() => assertDeployable(parseEnv(implicit))).message).toMatch(
      /^Invalid configuration: SIMULATOR_PASSWORD must be set in a deployment/,
    );
    const open = { ...deployment, METRICS_TOKEN: undefined };
    expect(configError(() => assertDeployable(parseEnv(open))).message).toMatch(
      /METRICS_TOKEN or METRICS_ALLOWED_NETWORKS must be set in a deployment/,
    );
  });

  it("asks nothing of the embedded database or of development", () => {
    expect(() => assertDeployable(parseEnv({}))).not.toThrow();
    const embedded = {
      NODE_ENV: "production",
      DATABASE_URL: "postgresql://postgres@127.0.0.1:5433/postgres",
      MINITWIT_EMBEDDED_DB: "1",
    };
    expect(() => assertDeployable(parseEnv(embedded))).not.toThrow();
    const dev = {
      ...deployment,
      NODE_ENV: "development",
      SIMULATOR_PASSWORD: undefined,
      METRICS_TOKEN: undefined,
    };
    expect(() => assertDeployable(parseEnv(dev))).not.toThrow();
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
