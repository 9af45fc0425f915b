import { execFile, execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * A real PostgreSQL server in a temporary folder, for benchmarks that must not measure PGlite. Uses the
 * server binaries of the machine (Debian's postgresql package); as root it runs them as `postgres`.
 */
export type ThrowawayPostgres = {
  url: string;
  port: number;
  /** The server's log file (what it said about shutdowns, crash recovery, refused connections). */
  logFile: string;
  /**
   * Runs `pg_ctl <args> -w` on this server's data folder without blocking the event loop, e.g.
   * `["restart", "-m", "immediate"]` or `["stop", "-m", "fast"]`; `["start"]` restores the options.
   */
  ctl(args: string[]): Promise<void>;
  /** Stops the server (fast) and removes its folder. */
  /** Stops the server (ending every connection, as a crash or failover would) and starts it again. */
  restart(): void;
  stop(): void;
};

function serverBinaries(): string {
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base) ? readdirSync(base).sort().reverse() : [];
  for (const version of versions) {
    const dir = path.join(base, version, "bin");
    if (existsSync(path.join(dir, "initdb"))) return dir;
  }
  throw new Error(
    "no PostgreSQL server binaries found: apt-get install postgresql (or set BENCH_DATABASE_URL)",
  );
}

export function startThrowawayPostgres(
  port = 55499,
  options: { maxConnections?: number; settings?: string[] } = {},
): ThrowawayPostgres {
  const bin = serverBinaries();
  const dir = mkdtempSync(path.join(os.tmpdir(), "minitwit-pg-"));
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) => {
    const [file, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
    const result = spawnSync(file, argv, { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout}`);
  };
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, -1);
  }
  run(path.join(bin, "initdb"), ["-D", path.join(dir, "data"), "-U", "postgres", "-A", "trust"]);
  const data = path.join(dir, "data");
  const logFile = path.join(dir, "log");
  const settings = [
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
    `-c max_connections=${options.maxConnections ?? 200} -c shared_buffers=512MB`,
    ...(options.settings ?? []).map((setting) => `-c ${setting}`),
  ].join(" ");
  const pgCtl = path.join(bin, "pg_ctl");
  run(pgCtl, ["-D", data, "-l", logFile, "-w", "-o", settings, "start"]);
  // `restart` reuses the options the server was started with; a plain `start` is given them again.
  const ctl = (args: string[]) => {
    const full = ["-D", data, "-l", logFile, "-w", ...(args[0] === "start" ? ["-o", settings] : []), ...args];
    const [file, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", pgCtl, ...full]] : [pgCtl, full];
    return new Promise<void>((resolve, reject) => {
      execFile(file, argv, (error, stdout, stderr) =>
        error ? reject(new Error(`pg_ctl ${args.join(" ")} failed: ${stderr || stdout}`)) : resolve(),
      );
    });
  };
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    logFile,
    ctl,
    restart() {
      // pg_ctl restart starts it with the options it was started with (postmaster.opts).
      run(pgCtl, ["-D", data, "-l", logFile, "-m", "fast", "-w", "restart"]);
    },
    stop() {
      try {
        run(path.join(bin, "pg_ctl"), ["-D", path.join(dir, "data"), "-m", "fast", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
