import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

type Service = {
  ports?: unknown[];
  networks?: string[] | Record<string, unknown>;
  environment?: Record<string, string>;
  deploy?: { endpoint_mode?: string };
};
type ComposeFile = {
  services: Record<string, Service>;
  networks: Record<string, { ipam?: { config?: { subnet?: string }[] } }>;
};

function load(name: string): ComposeFile {
  return parse(readFileSync(path.join(import.meta.dirname, name), "utf8"), { merge: true }) as ComposeFile;
}

function networksOf(service: Service): string[] {
  const networks = service.networks ?? [];
  return Array.isArray(networks) ? networks : Object.keys(networks);
}

/**
 * The topology the app's client-address rule depends on (lib/server/client-address.ts): only the
 * proxy reaches the app, and the app trusts exactly the network the two share. Static, so that an
 * edit to one file that breaks that fails here rather than in production.
 */
describe.each(["compose.yml", "stack.yml"])("%s", (name) => {
  const file = load(name);
  const app = file.services.app!;
  const proxy = file.services.proxy!;

  it("sets a password policy stricter than the original's for the public site", () => {
    const minLength = /^\$\{PASSWORD_MIN_LENGTH:-(\d+)\}$/.exec(
      app.environment?.PASSWORD_MIN_LENGTH ?? "",
    )?.[1];
    expect(Number(minLength)).toBeGreaterThanOrEqual(8);
  });

  it("publishes the proxy on 80 and 443, and not the app", () => {
    expect(app.ports).toBeUndefined();
    const published = JSON.stringify(proxy.ports);
    expect(published).toMatch(/80/);
    expect(published).toMatch(/443/);
  });

  it("lets the app trust X-Forwarded-For from the proxy's network only", () => {
    const edge = file.networks.edge?.ipam?.config?.[0]?.subnet;
    expect(edge).toBeDefined();
    expect(app.environment?.TRUST_PROXY).toBe(edge);
    expect(networksOf(proxy)).toEqual(["edge"]);
    expect(networksOf(app)).toContain("edge");
    // Nothing else shares the edge network, so nothing else can pose as the proxy.
    const others = Object.entries(file.services).filter(
      ([service]) => service !== "app" && service !== "proxy",
    );
    for (const [, service] of others) expect(networksOf(service)).not.toContain("edge");
  });

  it("names its replicas in DNS for the proxy, without a virtual IP or the routing mesh", () => {
    if (name === "stack.yml") expect(app.deploy?.endpoint_mode).toBe("dnsrr");
    expect(JSON.stringify(proxy.ports)).not.toMatch(/ingress/);
  });
});
