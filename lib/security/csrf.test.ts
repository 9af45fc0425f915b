import { describe, expect, it } from "vitest";
import { checkRequest, checkRequestOrigin } from "./csrf";

const host = "minitwit.example:3000";

describe("checkRequestOrigin", () => {
  it.each([
    ["a same-origin form post", "same-origin", "http://minitwit.example:3000", true],
    ["a typed URL or bookmark", "none", null, true],
    ["a scripted client sending neither header", null, null, true],
    ["an old browser posting with a matching Origin", null, "https://minitwit.example:3000", true],
    ["a form on another site", "cross-site", "https://evil.example", false],
    ["an <img> on another site (no Origin on GET)", "cross-site", null, false],
    ["a sibling subdomain", "same-site", "https://evil.minitwit.example", false],
    ["an old browser posting from another site", null, "https://evil.example", false],
    ["another port on the same host", null, "http://minitwit.example:4000", false],
    ["an opaque origin", null, "null", false],
    ["a malformed origin", null, "not a url", false],
    ["a lying Sec-Fetch-Site with a foreign Origin", "same-origin", "https://evil.example", false],
  ])("%s", (_name, secFetchSite, origin, ok) => {
    expect(checkRequestOrigin({ secFetchSite, origin, host }).ok).toBe(ok);
  });

  it("refuses an Origin when the host is unknown", () => {
    expect(checkRequestOrigin({ secFetchSite: null, origin: "http://a", host: null }).ok).toBe(false);
  });
});

describe("checkRequest", () => {
  it("compares with the forwarded host behind a reverse proxy", () => {
    const request = new Request("http://10.0.0.5:3000/add_message", {
      method: "POST",
      headers: {
        host: "10.0.0.5:3000",
        "x-forwarded-host": "minitwit.example",
        origin: "https://minitwit.example",
        "sec-fetch-site": "same-origin",
      },
    });
    expect(checkRequest(request)).toEqual({ ok: true });
  });

  it("refuses a cross-site request", () => {
    const request = new Request("http://minitwit.example/alice/follow", {
      headers: { host: "minitwit.example", "sec-fetch-site": "cross-site" },
    });
    expect(checkRequest(request).ok).toBe(false);
  });
});
