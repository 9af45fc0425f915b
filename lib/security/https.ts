/**
 * The one rule for "did the client reach us over HTTPS": the first `X-Forwarded-Proto` when a
 * TLS-terminating proxy sent one, else the scheme of the URL the server saw (`https:`), else no.
 * It decides the `Secure` cookie flags, Auth.js's cookie names and `upgrade-insecure-requests`.
 */
export function isHttps(headers: Headers, protocol?: string): boolean {
  const forwarded = headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  return forwarded ? forwarded === "https" : protocol === "https:";
}
