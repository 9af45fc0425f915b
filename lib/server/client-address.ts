import { env } from "../env";

/**
 * The caller's address as this deployment can vouch for it. The custom server writes the socket's
 * address into `x-minitwit-client-ip` (overwriting anything a client sent). Behind a proxy that
 * address is the proxy's, so with TRUST_PROXY=true the first X-Forwarded-For hop is used instead;
 * without it that header is ignored, since any client can send it.
 */
export function clientAddress(headers: Headers): string {
  if (env().trustProxy) {
    const first = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
    if (first) return first;
  }
  return headers.get("x-minitwit-client-ip") || "unknown";
}
