import { BlockList, isIP } from "node:net";

/**
 * Matches client addresses against a list of networks such as `10.0.0.0/8,127.0.0.1/32,::1/128`.
 * Node's BlockList does the bit arithmetic (and treats `::ffff:10.1.2.3` as the IPv4 address it
 * carries); this module parses and validates the configured list.
 */
export type NetworkList = {
  /** The entries as configured, normalized to `address/prefix`. */
  readonly networks: readonly string[];
  matches(address: string): boolean;
};

export class NetworkListError extends Error {
  constructor(entry: string, reason: string) {
    super(`"${entry}" ${reason}; expected a comma-separated list like 10.0.0.0/8,::1/128`);
    this.name = "NetworkListError";
  }
}

/** Parses a comma-separated list of CIDR networks (a bare address means that address alone). */
export function parseNetworkList(spec: string): NetworkList {
  const list = new BlockList();
  const networks: string[] = [];
  for (const raw of spec.split(",")) {
    const entry = raw.trim();
    if (entry === "") continue;
    const slash = entry.indexOf("/");
    const address = slash === -1 ? entry : entry.slice(0, slash);
    const version = isIP(address);
    if (version === 0) throw new NetworkListError(entry, "is not an IPv4 or IPv6 address");
    const bits = version === 4 ? 32 : 128;
    const prefixText = slash === -1 ? String(bits) : entry.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) {
      throw new NetworkListError(entry, `has a prefix length outside 0-${bits}`);
    }
    const family = version === 4 ? "ipv4" : "ipv6";
    list.addSubnet(address, Number(prefixText), family);
    networks.push(`${address}/${prefixText}`);
  }
  if (networks.length === 0) throw new NetworkListError(spec, "names no network");

  return {
    networks,
    matches(candidate: string): boolean {
      // A link-local address from the socket may carry its interface ("fe80::1%eth0").
      const zone = candidate.indexOf("%");
      const address = zone === -1 ? candidate : candidate.slice(0, zone);
      const version = isIP(address);
      if (version === 0) return false;
      return list.check(address, version === 4 ? "ipv4" : "ipv6");
    },
  };
}
