import { readdirSync } from "node:fs";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { OpenApiChecker } from "./openapi-check";
import document from "./openapi.json";

/** The protocol's paths as the app serves them: `app/sim/**` route folders, `[name]` as `{name}`. */
function servedPaths(dir = path.join(import.meta.dirname, "..", "app", "sim"), prefix = ""): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name === "route.ts" && prefix !== "") found.push(prefix);
    if (!entry.isDirectory()) continue;
    // The catch-all answers 404 for unknown paths; the document serves itself.
    if (entry.name.startsWith("[[...") || entry.name === "openapi.json") continue;
    const segment = entry.name.replace(/^\[(.+)\]$/, "{$1}");
    found.push(...servedPaths(path.join(dir, entry.name), `${prefix}/${segment}`));
  }
  return found.sort();
}

describe("the simulator protocol's OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const result = await new Validator().validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toMatch(/^3\.1\./);
  });

  it("describes exactly the routes the app serves under /sim", () => {
    expect(Object.keys(document.paths).sort()).toEqual(servedPaths());
  });

  it("requires Basic credentials everywhere but register and latest", () => {
    expect(document.components.securitySchemes.simulator).toMatchObject({ type: "http", scheme: "basic" });
    expect(document.security).toEqual([{ simulator: [] }]);
    expect(document.paths["/latest"].get.security).toEqual([]);
    expect(document.paths["/register"].post.security).toEqual([]);
  });
});

describe("OpenApiChecker", () => {
  const checker = () => new OpenApiChecker();
  const message = { content: "hi", pub_date: 1582246860, user: "Roger Histand" };

  it("accepts documented answers and counts them as seen", () => {
    const check = checker();
    check.check({
      method: "GET",
      path: "/msgs/Roger%20Histand",
      status: 200,
      contentType: "application/json",
      body: JSON.stringify([message]),
    });
    check.check({ method: "POST", path: "/register", status: 204, contentType: null, body: "" });
    expect(check.unseen()).not.toContain("GET /msgs/{username} 200");
    expect(check.unseen()).not.toContain("POST /register 204");
    expect(check.unseen()).toContain("GET /latest 200");
  });

  it.each([
    [
      "a body of the wrong shape",
      { method: "GET", path: "/msgs", status: 200, body: JSON.stringify([{ ...message, pub_date: "2020" }]) },
      /pub_date must be integer/,
    ],
    [
      "an undocumented status",
      { method: "GET", path: "/latest", status: 403, body: '{"status": 403, "error_msg": "x"}' },
      /documents only 200/,
    ],
    [
      "a 403 whose text is not the reference's",
      { method: "GET", path: "/msgs", status: 403, body: '{"status": 403, "error_msg": "Forbidden"}' },
      /must be equal to constant/,
    ],
    [
      "content on a 204",
      { method: "POST", path: "/msgs/x", status: 204, body: "{}" },
      /documented without a body/,
    ],
    [
      "an unknown path that is not 404",
      { method: "GET", path: "/nope", status: 200, body: "{}" },
      /promises 404/,
    ],
    [
      "another method that is not 405",
      { method: "DELETE", path: "/msgs", status: 404, body: '{"status": 404, "error_msg": "x"}' },
      /promises 405/,
    ],
  ])("refuses %s", (_name, exchange, error) => {
    expect(() => checker().check({ contentType: "application/json", ...exchange })).toThrow(error);
  });
});
