import { afterEach, describe, expect, it, vi } from "vitest";

// env() is parsed once per module instance: load a fresh copy after setting TRUST_PROXY.
async function clientAddressWith(trustProxy: string | undefined) {
  vi.resetModules();
  if (trustProxy === undefined) delete process.env.TRUST_PROXY;
  else process.env.TRUST_PROXY = trustProxy;
  return (await import("./client-address")).clientAddress;
}

describe("clientAddress", () => {
  const previous = process.env.TRUST_PROXY;
  afterEach(() => {
    if (previous === undefined) delete process.env.TRUST_PROXY;
    else process.env.TRUST_PROXY = previous;
  });

  it("uses the socket address the server recorded, ignoring a client-sent X-Forwarded-For", async () => {
    const clientAddress = await clientAddressWith(undefined);
    const headers = new Headers({ "x-minitwit-client-ip": "198.51.100.7", "x-forwarded-for": "1.2.3.4" });
    expect(clientAddress(headers)).toBe("198.51.100.7");
  });

  it("uses the first X-Forwarded-For hop behind a trusted proxy", async () => {
    const clientAddress = await clientAddressWith("true");
    const headers = new Headers({
      "x-minitwit-client-ip": "10.0.0.2",
      "x-forwarded-for": "203.0.113.9, 10.0.0.1",
    });
    expect(clientAddress(headers)).toBe("203.0.113.9");
  });

  it("says unknown when nothing identifies the caller", async () => {
    const clientAddress = await clientAddressWith(undefined);
    expect(clientAddress(new Headers())).toBe("unknown");
  });
});
