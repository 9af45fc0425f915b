import { describe, expect, it } from "vitest";
import { NetworkListError, parseNetworkList } from "./networks";

describe("parseNetworkList", () => {
  const list = parseNetworkList("10.0.0.0/8, 127.0.0.1/32,::1/128, fd00::/8,192.168.1.7");

  it.each([
    ["10.0.0.1", true],
    ["10.255.255.255", true],
    ["11.0.0.0", false],
    ["9.255.255.255", false],
    ["127.0.0.1", true],
    ["127.0.0.2", false],
    ["192.168.1.7", true],
    ["192.168.1.8", false],
    ["::1", true],
    ["::2", false],
    ["fd12:3456::1", true],
    ["fe80::1", false],
    // How Node reports an IPv4 client on a dual-stack socket.
    ["::ffff:10.1.2.3", true],
    ["::ffff:127.0.0.1", true],
    ["::ffff:8.8.8.8", false],
    ["", false],
    ["localhost", false],
    ["10.0.0.1, 8.8.8.8", false],
    ["999.1.1.1", false],
  ])("%j → %s", (address, expected) => {
    expect(list.matches(address)).toBe(expected);
  });

  it("normalizes the entries it accepted", () => {
    expect(list.networks).toEqual(["10.0.0.0/8", "127.0.0.1/32", "::1/128", "fd00::/8", "192.168.1.7/32"]);
  });

  it("ignores an interface zone on a link-local address", () => {
    expect(parseNetworkList("fe80::/10").matches("fe80::1%eth0")).toBe(true);
  });

  it("matches everything with a zero prefix, per family", () => {
    const any4 = parseNetworkList("0.0.0.0/0");
    expect(any4.matches("8.8.8.8")).toBe(true);
    expect(any4.matches("::1")).toBe(false);
    expect(parseNetworkList("::/0").matches("2001:db8::1")).toBe(true);
  });

  it("matches a network given with host bits set as the whole network", () => {
    expect(parseNetworkList("10.1.2.3/8").matches("10.200.0.1")).toBe(true);
  });

  it.each([
    ["10.0.0.0/33"],
    ["::1/129"],
    ["10.0.0.0/-1"],
    ["10.0.0.0/"],
    ["10.0.0.0/8x"],
    ["10.0.0/8"],
    ["example.com/8"],
    ["10.0.0.0/8,nonsense"],
    [" , "],
    [""],
  ])("rejects %j", (spec) => {
    expect(() => parseNetworkList(spec)).toThrow(NetworkListError);
  });
});
