import { describe, expect, it } from "vitest";
import { routeTemplate } from "./route-template";

describe("routeTemplate", () => {
  it.each([
    ["GET", "/sim/latest", "/sim/latest"],
    ["POST", "/sim/register", "/sim/register"],
    ["GET", "/sim/msgs", "/sim/msgs"],
    ["GET", "/sim/msgs?no=20&latest=3", "/sim/msgs"],
    ["GET", "/sim/msgs/Roger%20Histand?latest=42", "/sim/msgs/:username"],
    ["POST", "/sim/msgs/alice", "/sim/msgs/:username"],
    ["POST", "/sim/fllws/Roger%20Histand", "/sim/fllws/:username"],
    ["GET", "/sim/fllws", "/sim/*"],
    ["GET", "/sim/unknown", "/sim/*"],
    ["GET", "/sim", "/sim/*"],
    ["GET", "/sim/msgs/a/b", "/sim/*"],
    ["POST", "/api/graphql", "/api/graphql"],
    ["POST", "/api/graphql/stream", "/api/graphql/stream"],
    ["GET", "/api/graphql?query=%7B__typename%7D", "/api/graphql"],
    ["GET", "/api/auth/session", "/api/auth/*"],
    ["POST", "/api/auth/callback/credentials", "/api/auth/*"],
    ["GET", "/api/other", "other"],
    ["GET", "/api", "other"],
    ["GET", "/healthz", "/healthz"],
    ["GET", "/readyz", "/readyz"],
    ["GET", "/metrics", "/metrics"],
    ["GET", "/", "/"],
    ["GET", "/?page=2", "/"],
    ["GET", "/public", "/public"],
    ["GET", "/public/", "/public"],
    ["GET", "/login", "/login"],
    ["POST", "/register", "/register"],
    ["GET", "/logout", "/logout"],
    ["POST", "/add_message", "/add_message"],
    ["GET", "/alice", "/:username"],
    ["GET", "/john.doe", "/:username"],
    ["GET", "/Roger%20Histand", "/:username"],
    ["GET", "/a%2Fb", "/:username"],
    ["GET", "/%E6%97%A5%E6%9C%AC", "/:username"],
    ["GET", "/alice/follow", "/:username/follow"],
    ["GET", "/Roger%20Histand/unfollow", "/:username/unfollow"],
    ["GET", "/alice/unfollow/", "/:username/unfollow"],
    ["GET", "/alice/other", "other"],
    ["GET", "/alice/follow/x", "other"],
    ["GET", "/_next/static/chunks/main-abc123.js", "/_next/static/*"],
    ["GET", "/_next/image?url=%2Fa.png&w=64", "/_next/*"],
    ["GET", "/favicon.ico", "/static"],
    ["GET", "/robots.txt", "/static"],
    ["GET", "/icon.PNG", "/static"],
    ["GET", "//alice", "other"],
    ["GET", "//", "other"],
    ["GET", "/alice//follow", "other"],
    ["GET", "*", "other"],
    ["OPTIONS", "", "other"],
    ["GET", "http://example.com/alice", "other"],
    ["GET", "/a/b/c/d/e/f/g", "other"],
  ])("%s %s → %s", (method, path, expected) => {
    expect(routeTemplate(method, path)).toBe(expected);
  });

  it("does not depend on the method", () => {
    for (const method of ["GET", "POST", "HEAD", "DELETE"]) {
      expect(routeTemplate(method, "/sim/msgs/x")).toBe("/sim/msgs/:username");
    }
  });

  it("maps very long and very deep paths to a bounded template", () => {
    const longName = "x".repeat(100_000);
    const deep = "/a".repeat(50_000);
    expect(routeTemplate("GET", `/${longName}`)).toBe("/:username");
    expect(routeTemplate("GET", `/sim/msgs/${longName}`)).toBe("/sim/msgs/:username");
    expect(routeTemplate("GET", deep)).toBe("other");
    expect(routeTemplate("GET", `/${"%41".repeat(30_000)}.ico`)).toBe("/static");
  });

  it("never returns more than a fixed set of templates for arbitrary paths", () => {
    const seen = new Set<string>();
    const alphabet = [
      "a",
      "sim",
      "msgs",
      "fllws",
      "api",
      "auth",
      "_next",
      "/",
      "%2F",
      ".png",
      "?",
      "follow",
      "",
    ];
    for (let i = 0; i < 5_000; i++) {
      let path = "/";
      for (let j = 0; j < (i % 7) + 1; j++) path += alphabet[(i * 31 + j * 17) % alphabet.length];
      seen.add(routeTemplate("GET", path + String(i)));
    }
    expect(seen.size).toBeLessThanOrEqual(30);
    for (const template of seen) expect(template).not.toMatch(/\d/);
  });
});
