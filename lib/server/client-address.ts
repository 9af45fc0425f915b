import { isIP } from "node:net";
import { env, type TrustedProxies } from "../runtime/env";

/**
 * Written by the custom server from the socket (`lib/server/http-server.ts`), overwriting a client's;
 * `/metrics` access control trusts only this. (Re-exported by lib/observability/http.ts, whose
 * request log line carries the address this module derives.)
 */
export const CLIENT_IP_HEADER = "x-minitwit-client-ip";

/** What the address is read from: fetch's `Headers`, or a view of node:http's header object. */
export type HeaderSource = { get(name: string): string | null };

/**
 * The caller's address as this deployment can vouch for it, for throttles and rate limits.
 *
 * The socket's address is the only one the process sees for itself. Behind proxies it is the
 * nearest proxy's, and each proxy appends the address it saw to `X-Forwarded-For`; everything left
 * of what our own proxies appended was written by the client and proves nothing. So the address is
 * read from the right: with `hops: n`, the one the n-th proxy saw; with `networks`, the right-most
 * one that is not inside them. A client sending `X-Forwarded-For: spoofed, 127.0.0.1` changes
 * nothing but entries that are never read.
 */
export function clientAddressFrom(headers: HeaderSource, trusted: TrustedProxies): string {
  const socket = headers.get(CLIENT_IP_HEADER) || "unknown";
  if ("hops" in trusted && trusted.hops === 0) return socket;
  const forwarded = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  // Nearest peer last: chain[chain.length - 1] is the socket, the one before it what that peer saw...
  const chain = [...forwarded, socket];
  let candidate: string;
  if ("hops" in trusted) {
    // Fewer entries than proxies: the request skipped one; the left-most entry is the best left.
    candidate = chain[Math.max(0, chain.length - 1 - trusted.hops)]!;
  } else {
    let index = chain.length - 1;
    while (index > 0 && trusted.networks.matches(chain[index]!)) index--;
    candidate = chain[index]!;
  }
  // Our proxies write addresses; anything else there is not evidence of a client (and must not become
  // an unbounded key in the rate-limit table).
  return isIP(candidate) === 0 && candidate !== socket ? socket : candidate;
}

export function clientAddress(headers: Headers): string {
  return clientAddressFrom(headers, env().trustProxy);
}
