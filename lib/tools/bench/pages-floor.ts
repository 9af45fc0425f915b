import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

import { buildInTemporaryFolder, startNextApp } from "./floor";
import type { Served } from "./served";

/** The floor page's source, kept in the repository (typed and linted with it), built elsewhere. */
const SOURCE = ["app/layout.tsx", "app/page.tsx"];

/**
 * The page benchmark's floor: the app in lib/tools/bench/pages-floor (one page, 30 messages from memory in
 * Minitwit's markup), copied to a temporary folder and built there on demand with this repository's
 * Next.js, never part of Minitwit's build. It compresses responses exactly when Minitwit does (its
 * `compress` setting is read from next.config.js), so the ratio measures Minitwit's own work, not a
 * difference in deployment settings.
 */
export function pagesFloorFiles(repo = process.cwd()): Record<string, string> {
  const config = createRequire(path.join(repo, "package.json"))("./next.config.js") as { compress?: boolean };
  const files: Record<string, string> = {
    "package.json": `{ "name": "minitwit-bench-pages-floor", "private": true }\n`,
    "next.config.js": `module.exports = ${JSON.stringify({
      poweredByHeader: false,
      compress: config.compress ?? true,
      // Typed with the repository (npm run typecheck); the build need not check it again.
      typescript: { ignoreBuildErrors: true },
    })};\n`,
  };
  for (const file of SOURCE) {
    files[file] = readFileSync(path.join(repo, "lib", "tools", "bench", "pages-floor", file), "utf8");
  }
  return files;
}

/** `next start` of the floor page's app (built if needed), once `/` answers. */
export function startPagesFloorServer(
  options: { repo?: string; nodeArgs?: readonly string[] } = {},
): Promise<Served> {
  const repo = options.repo ?? process.cwd();
  const dir = buildInTemporaryFolder(
    "minitwit-bench-pages-floor",
    pagesFloorFiles(repo),
    "the floor page (30 messages from memory)",
    repo,
  );
  return startNextApp(
    dir,
    { probe: "/", status: 200, name: "the floor page's server" },
    { ...options, repo },
  );
}
