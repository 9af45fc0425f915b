import { describe, expect, it } from "vitest";
import { isHttps } from "./https";

const headers = (proto?: string) => new Headers(proto === undefined ? {} : { "x-forwarded-proto": proto });

describe("isHttps", () => {
  it("believes the proxy's first X-Forwarded-Proto over the URL's scheme", () => {
    expect(isHttps(headers("https"), "http:")).toBe(true);
    expect(isHttps(headers("https, http"))).toBe(true);
    expect(isHttps(headers("HTTPS"))).toBe(true);
    expect(isHttps(headers("http"), "https:")).toBe(false);
  });

  it("falls back to the URL's scheme, and to no without one", () => {
    expect(isHttps(headers(), "https:")).toBe(true);
    expect(isHttps(headers(), "http:")).toBe(false);
    expect(isHttps(headers())).toBe(false);
  });
});
