import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * PGlite cannot share its data folder between processes: two writers would corrupt it. The lock file
 * names the owning process and the URL its database is served at (a Unix socket in the data folder),
 * so tools run by the same user can connect through it.
 *
 * The lock is taken by creating the file exclusively (`wx`): of processes starting at the same
 * moment exactly one creates it. A lock whose process has died is stale; taking it over goes through
 * a second exclusive file, so two processes that both found it stale cannot both remove it and win.
 */
export type LockInfo = { pid: number; url: string };

/** A takeover file older than this belongs to a process that died while taking over. */
const STALE_TAKEOVER_MS = 10_000;

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

function readInfo(file: string): LockInfo | "unreadable" | "missing" {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : "unreadable";
  }
  try {
    const info = JSON.parse(text) as LockInfo;
    return Number.isInteger(info.pid) && info.pid > 0 ? info : "unreadable";
  } catch {
    // Empty or half-written: its creator is writing it right now.
    return "unreadable";
  }
}

/** The running owner of `dataDir`, if any (a stale lock from a crashed process does not count). */
export function readLock(dataDir: string): LockInfo | undefined {
  const info = readInfo(lockPath(dataDir));
  return typeof info === "object" && alive(info.pid) && info.pid !== process.pid ? info : undefined;
}

function inUse(dataDir: string, pid: number | undefined): Error {
  const by = pid === undefined ? "another process" : `process ${pid}`;
  return new Error(
    `the embedded database in ${path.resolve(dataDir)} is in use by ${by}; stop it, or set MINITWIT_DATA_DIR to another folder`,
  );
}

function createExclusively(file: string, content: string): boolean {
  try {
    writeFileSync(file, content, { flag: "wx", mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** Removes a lock whose owner has died, unless another process is already doing so. */
function removeStaleLock(dataDir: string, stalePid: number | null): void {
  const takeover = `${lockPath(dataDir)}.takeover`;
  if (ageMs(takeover) > STALE_TAKEOVER_MS) rmSync(takeover, { force: true });
  if (!createExclusively(takeover, String(process.pid))) throw inUse(dataDir, undefined);
  try {
    // Still the same dead owner? Then nobody has taken the lock over meanwhile.
    const now = readInfo(lockPath(dataDir));
    const same = stalePid === null ? now === "unreadable" : typeof now === "object" && now.pid === stalePid;
    if (same) rmSync(lockPath(dataDir), { force: true });
  } finally {
    rmSync(takeover, { force: true });
  }
}

export function acquireLock(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // The embedded database and the development auth secret live here: the owner's only.
  chmodSync(dataDir, 0o700);
  const content = JSON.stringify({ pid: process.pid, url: "" });
  for (let attempt = 0; attempt < 2; attempt++) {
    if (createExclusively(lockPath(dataDir), content)) return;
    const owner = readInfo(lockPath(dataDir));
    if (owner === "missing") continue; // released between our attempt and the read
    if (owner === "unreadable") {
      // Being written right now, or left empty by a process that died while creating it.
      if (ageMs(lockPath(dataDir)) < STALE_TAKEOVER_MS) throw inUse(dataDir, undefined);
      removeStaleLock(dataDir, null);
      continue;
    }
    if (owner.pid !== process.pid && alive(owner.pid)) throw inUse(dataDir, owner.pid);
    removeStaleLock(dataDir, owner.pid);
  }
  throw inUse(dataDir, undefined);
}

export function updateLock(dataDir: string, url: string): void {
  writeFileSync(lockPath(dataDir), JSON.stringify({ pid: process.pid, url }), { mode: 0o600 });
}

export function releaseLock(dataDir: string): void {
  rmSync(lockPath(dataDir), { force: true });
}
