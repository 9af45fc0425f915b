import { describe, expect, it } from "vitest";
import { hasSessionCookie } from "./session-cookie";

describe("hasSessionCookie", () => {
  it("finds Auth.js's session cookie, over HTTP or HTTPS, whole or in chunks", () => {
    for (const name of [
      "authjs.session-token",
      "__Secure-authjs.session-token",
      "authjs.session-token.0",
      "__Secure-authjs.session-token.1",
    ]) {
      expect(hasSessionCookie([{ name: "minitwit_flash" }, { name }])).toBe(true);
    }
  });

  it("finds none among other cookies, or lookalikes", () => {
    expect(hasSessionCookie([])).toBe(false);
    expect(
      hasSessionCookie([
        { name: "minitwit_flash" },
        { name: "authjs.csrf-token" },
        { name: "authjs.callback-url" },
        { name: "xauthjs.session-token" },
        { name: "authjs.session-token-old" },
      ]),
    ).toBe(false);
  });
});
