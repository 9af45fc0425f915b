import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * PGlite cannot share its data folder between processes: two writers would corrupt it. The lock file
 * names the owning process and the port its database is served on, so tools can connect through it.
 */
export type LockInfo = { pid: number; port: number };

function lockPath(dataDir: string): string {
  return path.join(dataDir, "pglite.lock");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The running owner of `dataDir`, if any (a stale lock from a crashed process does not count). */
export function readLock(dataDir: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(lockPath(dataDir), "utf8")) as LockInfo;
    return Number.isInteger(info.pid) && alive(info.pid) && info.pid !== process.pid ? info : undefined;
  } catch {
    return undefined;
  }
}

export function acquireLock(dataDir: string): void {
  const owner = readLock(dataDir);
  if (owner) {
    throw new Error(
      `the embedded database in ${path.resolve(dataDir)} is in use by process ${owner.pid}; stop it, or set MINITWIT_DATA_DIR to another folder`,
    );
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(lockPath(dataDir), JSON.stringify({ pid: process.pid, port: 0 }));
}

export function updateLock(dataDir: string, port: number): void {
  writeFileSync(lockPath(dataDir), JSON.stringify({ pid: process.pid, port }));
}

export function releaseLock(dataDir: string): void {
  rmSync(lockPath(dataDir), { force: true });
}
