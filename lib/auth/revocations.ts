/**
 * Session tokens signed out before they expire. A JWT session lives in the cookie alone, so deleting
 * the cookie would leave a copied token valid; remembering its id until expiry ends it for real.
 * Process-local (like the login throttle): with several instances, each refuses the tokens signed
 * out through it, and the short session lifetime bounds the rest.
 */
// On globalThis: Next.js bundles each route separately, and the route that signs out is not the one
// that later checks the token.
const store = globalThis as unknown as { minitwitRevokedTokens?: Map<string, number> };
const revoked = (store.minitwitRevokedTokens ??= new Map<string, number>());
const MAX_ENTRIES = 100_000;

export function revokeToken(jti: string, expiresAtMs: number): void {
  const now = Date.now();
  if (revoked.size >= MAX_ENTRIES) {
    for (const [id, expiry] of revoked) if (expiry <= now) revoked.delete(id);
  }
  revoked.set(jti, expiresAtMs);
}

export function isTokenRevoked(jti: string): boolean {
  const expiry = revoked.get(jti);
  if (expiry === undefined) return false;
  if (expiry <= Date.now()) {
    revoked.delete(jti);
    return false;
  }
  return true;
}
