import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "./embedded";
import { withClient } from "./pg-config";

const root = mkdtempSync(path.join(os.tmpdir(), "minitwit-embedded-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every path under `dir` whose group or others may do anything with it. */
function worldAccessible(dir: string): string[] {
  const found: string[] = [];
  if ((statSync(dir).mode & 0o077) !== 0) found.push(dir);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...worldAccessible(child));
    else if (entry.isFile() && (statSync(child).mode & 0o077) !== 0) found.push(child);
  }
  return found;
}

describe("the embedded database's files", () => {
  it("are the owner's only, also those an older version left open", async () => {
    const dataDir = path.join(root, "pglite");
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    writeFileSync(path.join(dataDir, "left-over"), "x", { mode: 0o666 });
    chmodSync(path.join(dataDir, "left-over"), 0o666);

    const db = await startEmbeddedPostgres({ dataDir });
    try {
      expect(readdirSync(dataDir).length).toBeGreaterThan(5);
      expect(worldAccessible(dataDir)).toEqual([]);
      // Whatever PGlite creates while running lies behind a folder no other user can enter.
      await withClient(db.url, (client) =>
        client.query("CREATE TABLE later (id int); INSERT INTO later VALUES (1)"),
      );
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    } finally {
      await db.stop();
    }
    // Also what PGlite wrote while running and on shutdown.
    expect(worldAccessible(dataDir)).toEqual([]);
  }, 60_000);
});

describe("the embedded database's socket", () => {
  it("is a Unix socket in the owner's 0700 folder, not a TCP port any local user can reach", async () => {
    const dataDir = path.join(root, "served");
    const db = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "pglite"), socketDir: dataDir });
    try {
      expect(new URL(db.url).hostname).toBe(encodeURIComponent(dataDir));
      expect(statSync(path.join(dataDir, ".s.PGSQL.5432")).isSocket()).toBe(true);
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      const rows = await withClient(db.url, async (client) => (await client.query("SELECT 1 AS one")).rows);
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await db.stop();
    }
  }, 60_000);

  it("moves to a private temporary folder when the data folder's path is too long for a socket", async () => {
    const dataDir = path.join(root, "x".repeat(120));
    const db = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "pglite"), socketDir: dataDir });
    let socketDir = "";
    try {
      socketDir = decodeURIComponent(new URL(db.url).hostname);
      expect(socketDir.startsWith(os.tmpdir())).toBe(true);
      expect(statSync(socketDir).mode & 0o777).toBe(0o700);
      await withClient(db.url, (client) => client.query("SELECT 1"));
    } finally {
      await db.stop();
    }
    expect(existsSync(socketDir)).toBe(false);
  }, 60_000);
});
