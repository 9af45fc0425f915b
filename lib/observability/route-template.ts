/**
 * Maps a raw request path to the route template used as the `route` label. Usernames, static
 * asset names and other free text never reach a label: whatever the traffic, the result is one
 * of a fixed, small set of strings.
 */

const ROOT_PAGES = new Map<string, string>([
  ["public", "/public"],
  ["login", "/login"],
  ["register", "/register"],
  ["logout", "/logout"],
  ["add_message", "/add_message"],
  ["healthz", "/healthz"],
  ["readyz", "/readyz"],
  ["metrics", "/metrics"],
]);

const SIM_ROUTES = new Map<string, string>([
  ["latest", "/sim/latest"],
  ["register", "/sim/register"],
  ["msgs", "/sim/msgs"],
]);

const SIM_USER_ROUTES = new Map<string, string>([
  ["msgs", "/sim/msgs/:username"],
  ["fllws", "/sim/fllws/:username"],
]);

const USER_ACTIONS = new Map<string, string>([
  ["follow", "/:username/follow"],
  ["unfollow", "/:username/unfollow"],
]);

// Only extensions of files the app serves from public/ or the framework; a username that happens
// to contain a dot ("john.doe") still counts as a user page.
const STATIC_FILE = /\.(?:ico|png|svg|jpe?g|gif|webp|avif|txt|xml|webmanifest|json|css|js|map|woff2?)$/i;

// Segments beyond this depth never match a known route, so longer paths are not split further.
const MAX_SEGMENTS = 4;

/**
 * The path's segments (at most MAX_SEGMENTS + 1, so callers can tell "too deep"), without the
 * query string. A trailing slash is ignored, as Next.js redirects it to the bare path.
 */
function segments(path: string): string[] {
  let end = path.length;
  const query = path.indexOf("?");
  if (query !== -1) end = query;
  const hash = path.indexOf("#");
  if (hash !== -1 && hash < end) end = hash;
  if (end > 2 && path.charCodeAt(end - 1) === 47 /* / */) end -= 1;

  const parts: string[] = [];
  let start = 1;
  while (start <= end && parts.length <= MAX_SEGMENTS) {
    let slash = path.indexOf("/", start);
    if (slash === -1 || slash > end) slash = end;
    parts.push(path.slice(start, slash));
    start = slash + 1;
  }
  return parts;
}

/**
 * The route template for a request. `method` does not change the template today (the method is
 * its own label), but is part of the signature so a future route that differs by method needs no
 * change at the call sites.
 */
export function routeTemplate(_method: string, path: string): string {
  if (path.charCodeAt(0) !== 47 /* / */) return "other";
  const parts = segments(path);
  const [first = "", second] = parts;

  if (first === "") return parts.length === 1 ? "/" : "other";
  // An empty segment ("//x", "/a//b") is never a route of the app.
  if (parts.includes("")) return "other";

  if (first === "_next") return second === "static" ? "/_next/static/*" : "/_next/*";

  if (first === "sim") {
    if (parts.length === 2 && second !== undefined) return SIM_ROUTES.get(second) ?? "/sim/*";
    if (parts.length === 3 && second !== undefined) return SIM_USER_ROUTES.get(second) ?? "/sim/*";
    return "/sim/*";
  }

  if (first === "api") {
    if (second === "graphql" && parts.length === 2) return "/api/graphql";
    // Live streams last minutes: a label of their own keeps them out of the API's latency.
    if (second === "graphql" && parts.length === 3 && parts[2] === "stream") return "/api/graphql/stream";
    if (second === "auth") return "/api/auth/*";
    return "other";
  }

  if (parts.length === 1) {
    const page = ROOT_PAGES.get(first);
    if (page !== undefined) return page;
    if (STATIC_FILE.test(first)) return "/static";
    return "/:username";
  }

  if (parts.length === 2 && second !== undefined) return USER_ACTIONS.get(second) ?? "other";
  return "other";
}
