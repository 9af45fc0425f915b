import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { freePort } from "@/lib/server/free-port";

import { whenServing, type Served } from "./served";

/**
 * The framework's own floor for the simulator benchmark: a Next.js app whose one route handler reads
 * the request body and answers 204, for every path under /sim. It is not part of Minitwit: the
 * benchmark writes it to a temporary folder and builds it there on demand (once; again only when
 * these files change), linked to this repository's node_modules, so it runs the same Next.js.
 * Built with webpack: Turbopack refuses a node_modules that links outside the app's folder.
 */
const FILES: Record<string, string> = {
  "package.json": `{ "name": "minitwit-bench-floor", "private": true }\n`,
  "next.config.js": "module.exports = { poweredByHeader: false };\n",
  "app/layout.js": "export default function Layout({ children }) {\n  return children;\n}\n",
  "app/sim/[[...path]]/route.js": [
    "async function handle(request) {",
    "  await request.arrayBuffer();",
    "  return new Response(null, { status: 204 });",
    "}",
    "export { handle as GET, handle as POST };",
    "",
  ].join("\n"),
};

function nextBin(repo: string): string {
  return path.join(repo, "node_modules", "next", "dist", "bin", "next");
}

/**
 * Writes `files` to a temporary folder named for `name` and their digest, links this repository's
 * node_modules there and runs `next build` (once: again only when the files change); returns the folder.
 */
export function buildInTemporaryFolder(
  name: string,
  files: Readonly<Record<string, string>>,
  what: string,
  repo = process.cwd(),
): string {
  const digest = createHash("sha256").update(JSON.stringify(files)).digest("hex").slice(0, 12);
  const dir = path.join(os.tmpdir(), `${name}-${digest}`);
  if (existsSync(path.join(dir, ".next", "BUILD_ID"))) return dir;
  rmSync(dir, { recursive: true, force: true });
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  symlinkSync(path.join(repo, "node_modules"), path.join(dir, "node_modules"));
  console.log(`building ${what} in ${dir}`);
  const build = spawnSync(process.execPath, [nextBin(repo), "build", "--webpack"], {
    cwd: dir,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (build.status !== 0 || !existsSync(path.join(dir, ".next", "BUILD_ID"))) {
    throw new Error(`${what} did not build (exit ${build.status}); see the output above`);
  }
  return dir;
}

/** Builds the floor app if needed; returns its folder. */
export function buildFloorApp(repo = process.cwd()): string {
  return buildInTemporaryFolder("minitwit-bench-floor", FILES, "the floor app (a 204 route handler)", repo);
}

/** `next start` of a built app on a free loopback port, once `probe` answers `status`. */
export async function startNextApp(
  dir: string,
  { probe, status, name }: { probe: string; status: number; name: string },
  options: { repo?: string; nodeArgs?: readonly string[] } = {},
): Promise<Served> {
  const repo = options.repo ?? process.cwd();
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), nextBin(repo), "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: dir,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    },
  );
  return whenServing(child, { url: `http://127.0.0.1:${port}`, probe, status, timeoutMs: 60_000, name });
}

/** `next start` of the floor app on a free loopback port, once it answers. */
export async function startFloorServer(repo = process.cwd()): Promise<Served> {
  return startNextApp(
    buildFloorApp(repo),
    { probe: "/sim/latest", status: 204, name: "the floor server" },
    { repo },
  );
}
