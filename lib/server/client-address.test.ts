import { describe, expect, it } from "vitest";
import { parseEnv } from "../runtime/env";
import { clientAddressFrom } from "./client-address";

function addressOf(trustProxy: string | undefined, socket: string, forwarded?: string): string {
  const headers = new Headers({ "x-minitwit-client-ip": socket });
  if (forwarded !== undefined) headers.set("x-forwarded-for", forwarded);
  return clientAddressFrom(headers, parseEnv({ TRUST_PROXY: trustProxy }).trustProxy);
}

describe("clientAddress", () => {
  it("uses the socket address without trusted proxies, ignoring a client-sent X-Forwarded-For", () => {
    expect(addressOf(undefined, "198.51.100.7", "1.2.3.4")).toBe("198.51.100.7");
    expect(addressOf("false", "198.51.100.7", "1.2.3.4")).toBe("198.51.100.7");
    expect(addressOf("0", "198.51.100.7", "1.2.3.4")).toBe("198.51.100.7");
  });

  it("with a hop count, takes the address the outermost proxy saw: the right-most it appended", () => {
    expect(addressOf("1", "10.0.0.2", "203.0.113.9")).toBe("203.0.113.9");
    // The client wrote the left part itself; the proxy appended the real address.
    expect(addressOf("1", "10.0.0.2", "spoofed, 127.0.0.1, 203.0.113.9")).toBe("203.0.113.9");
    expect(addressOf("2", "10.0.0.2", "spoofed, 203.0.113.9, 10.0.0.1")).toBe("203.0.113.9");
  });

  it("with networks, takes the right-most address outside them", () => {
    const trusted = "10.0.0.0/8, 127.0.0.1";
    expect(addressOf(trusted, "10.0.0.2", "203.0.113.9, 10.0.0.1")).toBe("203.0.113.9");
    expect(addressOf(trusted, "10.0.0.2", "spoofed, 127.0.0.1, 203.0.113.9")).toBe("203.0.113.9");
    // A peer outside the networks is the client, whatever it claims.
    expect(addressOf(trusted, "198.51.100.7", "spoofed, 127.0.0.1")).toBe("198.51.100.7");
    // Every hop trusted: the left-most is all there is.
    expect(addressOf(trusted, "10.0.0.2", "10.1.1.1")).toBe("10.1.1.1");
  });

  it("never takes a non-address, and makes do when fewer proxies than configured were passed", () => {
    expect(addressOf("1", "10.0.0.2", "not-an-address")).toBe("10.0.0.2");
    expect(addressOf("3", "10.0.0.2", "203.0.113.9")).toBe("203.0.113.9");
    expect(addressOf("1", "10.0.0.2")).toBe("10.0.0.2");
  });

  it("says unknown when nothing identifies the caller", () => {
    expect(clientAddressFrom(new Headers(), { hops: 0 })).toBe("unknown");
  });
});
