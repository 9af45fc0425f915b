/** The security headers of every page, built per request because the script nonce is per request. */

export interface CspOptions {
  nonce: string;
  /** Development needs `eval` for React's debugging aids; production never does. */
  dev: boolean;
  /** Extra image origins (Gravatar, when configured). */
  imageOrigins?: readonly string[];
  /** Extra font sources (`data:` for GraphiQL, whose stylesheet embeds its fonts). */
  fontSources?: readonly string[];
  https: boolean;
}

export function contentSecurityPolicy({
  nonce,
  dev,
  imageOrigins = [],
  fontSources = [],
  https,
}: CspOptions): string {
  const directives = [
    "default-src 'self'",
    // 'strict-dynamic' lets Next's nonced bootstrap load its chunks; 'self' is the fallback for old browsers.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    ["img-src 'self' data:", ...imageOrigins].join(" "),
    ["font-src 'self'", ...fontSources].join(" "),
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "manifest-src 'self'",
  ];
  // On plain http (a local instance) upgrading would break every asset.
  if (https) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  "X-Frame-Options": "DENY",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
  "Cross-Origin-Opener-Policy": "same-origin",
};

/** A nonce with 128 bits of randomness, base64 as CSP expects. */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
