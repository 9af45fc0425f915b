import { afterEach, describe, expect, it } from "vitest";
import { clientAddress } from "./client-address";

describe("clientAddress", () => {
  const previous = process.env.TRUST_PROXY;
  afterEach(() => {
    process.env.TRUST_PROXY = previous;
  });

  it("uses the socket address the server recorded, ignoring a client-sent X-Forwarded-For", () => {
    delete process.env.TRUST_PROXY;
    const headers = new Headers({ "x-minitwit-client-ip": "198.51.100.7", "x-forwarded-for": "1.2.3.4" });
    expect(clientAddress(headers)).toBe("198.51.100.7");
  });

  it("uses the first X-Forwarded-For hop behind a trusted proxy", () => {
    process.env.TRUST_PROXY = "true";
    const headers = new Headers({
      "x-minitwit-client-ip": "10.0.0.2",
      "x-forwarded-for": "203.0.113.9, 10.0.0.1",
    });
    expect(clientAddress(headers)).toBe("203.0.113.9");
  });

  it("says unknown when nothing identifies the caller", () => {
    delete process.env.TRUST_PROXY;
    expect(clientAddress(new Headers())).toBe("unknown");
  });
});
