import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

import { env, resolveFileSecrets } from "../../runtime/env";
import { describeUrl } from "../../db/connect";
import { runWhenEntry } from "./ts-entry";

/**
 * `npm run db:restore -- <file>`: restores a `pg_dump --format=custom` backup (docker/backup/backup.sh
 * writes them) into the database DATABASE_URL (or DATABASE_URL_FILE) names, in one transaction: the
 * dump's tables replace any of the same name, and a failure leaves the database as it was. Restore into
 * a fresh database, check it, then point the app at it (README, "Backups").
 *
 * Uses `pg_restore` from PATH, else the newest /usr/lib/postgresql/<version>/bin; it must be at least
 * the version of the pg_dump that wrote the file.
 */
export function pgTool(name: string): string {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir !== "" && existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const candidate = path.join(base, version, "bin", name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} not found: install the PostgreSQL client (apt-get install postgresql-client-15)`);
}

export function restoreArgs(file: string, databaseUrl: string): string[] {
  return [
    "--clean",
    "--if-exists",
    "--no-owner",
    "--no-privileges",
    "--single-transaction",
    "--exit-on-error",
    "--dbname",
    databaseUrl,
    file,
  ];
}

async function main(argv: string[]): Promise<number> {
  const file = argv.find((arg) => !arg.startsWith("-"));
  if (argv.includes("--help") || file === undefined) {
    console.error("usage: npm run db:restore -- <backup.dump>   (into the database DATABASE_URL names)");
    return 2;
  }
  if (!existsSync(file)) {
    console.error(`no such file: ${file}`);
    return 2;
  }
  resolveFileSecrets();
  const url = env().databaseUrl;
  if (url === undefined) {
    console.error("DATABASE_URL (or DATABASE_URL_FILE) must name the database to restore into");
    return 2;
  }
  console.log(`restoring ${file} into ${describeUrl(url)}`);
  const child = spawn(pgTool("pg_restore"), restoreArgs(file, url), { stdio: "inherit" });
  const code = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (status) => resolve(status ?? 1));
  });
  console.log(code === 0 ? "restored" : `pg_restore failed (exit ${code}); the database is unchanged`);
  return code === 0 ? 0 : 1;
}

runWhenEntry("restore.ts", main, (error) => (error instanceof Error ? error.message : error));
