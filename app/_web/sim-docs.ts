import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";

/**
 * `/docs/sim`: Swagger UI for the simulator protocol's OpenAPI document (`/sim/openapi.json`), from
 * the npm package swagger-ui-dist, served by the app itself (no CDN). The page runs under the pages'
 * CSP: proxy.ts puts a nonce in the request's Content-Security-Policy header, and the page's two
 * scripts carry it.
 */

// Read from the package folder at run time (the bundler cannot follow a computed module path);
// next.config.js (outputFileTracingIncludes) makes the standalone build ship these files.
const PACKAGE_DIR = path.join(process.cwd(), "node_modules", "swagger-ui-dist");

/** The files of swagger-ui-dist the page loads, with their content types. */
const ASSETS: ReadonlyMap<string, string> = new Map([
  ["swagger-ui-bundle.js", "text/javascript; charset=utf-8"],
  ["swagger-ui.css", "text/css; charset=utf-8"],
]);
const ASSET_BASE = "/docs/sim/assets";

let version: string | undefined;
function packageVersion(): string {
  version ??= (
    JSON.parse(readFileSync(path.join(PACKAGE_DIR, "package.json"), "utf8")) as { version: string }
  ).version;
  return version;
}

/** The nonce of a `script-src … 'nonce-X' …` policy, or undefined. */
export function nonceFromPolicy(policy: string | null): string | undefined {
  return policy ? /'nonce-([A-Za-z0-9+/=_-]+)'/.exec(policy)?.[1] : undefined;
}

function page(nonce: string): string {
  // The asset URLs carry the package version, so they can be cached for good.
  const release = encodeURIComponent(packageVersion());
  // The init script is inline (nonced) because Swagger UI is configured in JavaScript.
  // validatorUrl: null keeps Swagger UI from sending the document to an online validator.
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Simulator API | MiniTwit</title>
<link rel="stylesheet" href="${ASSET_BASE}/swagger-ui.css?v=${release}">
</head>
<body>
<main id="swagger-ui"></main>
<script nonce="${nonce}" src="${ASSET_BASE}/swagger-ui-bundle.js?v=${release}"></script>
<script nonce="${nonce}">
window.ui = SwaggerUIBundle({
  url: "/sim/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
</script>
</body>
</html>
`;
}

export async function simDocsPage(request: Request): Promise<Response> {
  const nonce = nonceFromPolicy(request.headers.get("content-security-policy"));
  // Without the proxy's nonce the scripts could not run under the CSP: a bug, not a user's error.
  if (!nonce) return new Response("The page's script nonce is missing", { status: 500 });
  return new Response(page(nonce), {
    status: 200,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}

export async function simDocsAsset(
  _request: Request,
  { params }: { params: Promise<{ file: string }> },
): Promise<Response> {
  const file = (await params).file;
  const type = ASSETS.get(file);
  if (!type) return new Response("Not found", { status: 404, headers: { "content-type": "text/plain" } });
  const content = await readFile(path.join(PACKAGE_DIR, file));
  return new Response(new Uint8Array(content), {
    status: 200,
    headers: { "content-type": type, "cache-control": "public, max-age=31536000, immutable" },
  });
}
