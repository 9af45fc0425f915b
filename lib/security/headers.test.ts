import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, createNonce } from "./headers";

function directives(csp: string): Map<string, string> {
  return new Map(
    csp.split("; ").map((d) => {
      const [name, ...rest] = d.split(" ");
      return [name!, rest.join(" ")];
    }),
  );
}

describe("contentSecurityPolicy", () => {
  it("allows only this site and the request's nonce in production", () => {
    const csp = directives(contentSecurityPolicy({ nonce: "abc", dev: false, https: false }));
    expect(csp.get("default-src")).toBe("'self'");
    expect(csp.get("script-src")).toBe("'self' 'nonce-abc' 'strict-dynamic'");
    expect(csp.get("script-src")).not.toContain("unsafe");
    expect(csp.get("img-src")).toBe("'self' data:");
    expect(csp.get("frame-ancestors")).toBe("'none'");
    expect(csp.get("form-action")).toBe("'self'");
    expect(csp.get("object-src")).toBe("'none'");
    expect(csp.get("base-uri")).toBe("'self'");
    expect(csp.has("upgrade-insecure-requests")).toBe(false);
  });

  it("adds eval only in development", () => {
    const csp = directives(contentSecurityPolicy({ nonce: "abc", dev: true, https: false }));
    expect(csp.get("script-src")).toContain("'unsafe-eval'");
  });

  it("admits Gravatar images only when asked and upgrades on https", () => {
    const csp = directives(
      contentSecurityPolicy({
        nonce: "n",
        dev: false,
        https: true,
        imageOrigins: ["https://www.gravatar.com"],
      }),
    );
    expect(csp.get("img-src")).toBe("'self' data: https://www.gravatar.com");
    expect(csp.has("upgrade-insecure-requests")).toBe(true);
  });
});

describe("createNonce", () => {
  it("is fresh and base64", () => {
    const a = createNonce();
    expect(a).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(createNonce()).not.toBe(a);
  });
});
