import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

// The custom server starts a standalone build (the image) the way Next's own generated server.js
// does, through a private variable (see `standaloneConfig` in http-server.ts). When a Next release
// stops reading it, the image would start with a default configuration: this test says so first.
const require = createRequire(import.meta.url);
type LoadConfig = (phase: string, dir: string) => Promise<Record<string, unknown>>;
const loadConfig = (require("next/dist/server/config") as { default: LoadConfig }).default;
const { PHASE_PRODUCTION_SERVER } = require("next/constants") as { PHASE_PRODUCTION_SERVER: string };

describe("Next.js's standalone configuration variable", () => {
  const saved = process.env.__NEXT_PRIVATE_STANDALONE_CONFIG;
  let dir: string | undefined;
  afterEach(() => {
    if (saved === undefined) delete process.env.__NEXT_PRIVATE_STANDALONE_CONFIG;
    else process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = saved;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("is the configuration Next loads for a folder without next.config.js", async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "minitwit-standalone-"));
    const stored = { distDir: ".next", poweredByHeader: false, env: { MINITWIT_MARKER: "standalone" } };
    process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(stored);
    const config = await loadConfig(PHASE_PRODUCTION_SERVER, dir);
    expect(config).toEqual(stored);
  });
});
