const SAME_ORIGIN = "http://minitwit.invalid";

/**
 * A same-origin path to go back to, or the fallback. The candidate is parsed as a browser would
 * parse it (a URL parser drops tabs and newlines, so `/\t/evil.example` reads as `//evil.example`)
 * and must keep the origin; what comes back is the parsed path, percent-encoded, so it is always a
 * safe header value. Control characters are refused outright rather than dropped.
 */
export function safeReturnPath(candidate: string | null, fallback: string): string {
  if (!candidate || !candidate.startsWith("/") || /[\u0000-\u001f\u007f\\]/.test(candidate)) return fallback;
  let url: URL;
  try {
    url = new URL(candidate, SAME_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== SAME_ORIGIN) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
