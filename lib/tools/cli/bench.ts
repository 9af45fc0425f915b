import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { tsEntry } from "./ts-entry";
import { startThrowawayPostgres, type ThrowawayPostgres } from "../../db/throwaway-server";

/**
 * `npm run bench`: every benchmark, each printing its own figures. They run against a real
 * PostgreSQL server: BENCH_DATABASE_URL when set, else a throwaway one started here (the embedded
 * database is for development and would measure PGlite, not the app).
 *   npm run bench                      all of them
 *   npm run bench -- graphql sim       some of them (graphql, sim, import, live, pages, observability,
 *                                      lighthouse)
 *   npm run bench -- sim --limit 3000  other arguments go to each selected benchmark
 *   npm run bench -- crash db-restart backup   the fault runs at full length (lib/tools/faults/, README
 *                                      "Failures we test"); each starts its own PostgreSQL server
 *   npm run bench -- scale             1, 2 and 3 instances behind HAProxy (lib/tools/bench/scale.ts)
 * The fault runs and `scale` are left out of a bare `npm run bench` (they take minutes each).
 */
const BENCHES: {
  name: string;
  script: string;
  needsDatabase: boolean;
  env?: Record<string, string>;
  args?: string[];
  /** Only when asked for by name. */
  onRequest?: boolean;
}[] = [
  { name: "graphql", script: "lib/tools/bench/graphql.ts", needsDatabase: true },
  { name: "sim", script: "lib/tools/bench/sim.ts", needsDatabase: true },
  { name: "import", script: "lib/tools/bench/import.ts", needsDatabase: true },
  { name: "live", script: "lib/tools/bench/live.ts", needsDatabase: true },
  { name: "pages", script: "lib/tools/bench/pages.ts", needsDatabase: true },
  {
    name: "observability",
    script: "lib/tools/bench/observability.ts",
    needsDatabase: false,
    env: { LOG_LEVEL: "silent" },
  },
  { name: "lighthouse", script: "lib/tools/cli/lighthouse.ts", needsDatabase: false },
  {
    name: "crash",
    script: "lib/tools/faults/replica-crash.ts",
    needsDatabase: false,
    args: ["--simulators", "8", "--before", "15", "--down", "10", "--after", "20"],
    onRequest: true,
  },
  {
    name: "db-restart",
    script: "lib/tools/faults/db-restart.ts",
    needsDatabase: false,
    args: ["--simulators", "4", "--before", "10", "--down", "5", "--after", "10"],
    onRequest: true,
  },
  {
    name: "backup",
    script: "lib/tools/faults/backup-restore.ts",
    needsDatabase: false,
    args: ["--before", "20"],
    onRequest: true,
  },
  { name: "scale", script: "lib/tools/bench/scale.ts", needsDatabase: false, onRequest: true },
];

function run(script: string, env: Record<string, string>, extra: readonly string[] = []): Promise<number> {
  const [command, args] = tsEntry(script, extra);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
    child.once("error", reject);
    child.once("exit", (code) => resolve(code ?? 1));
  });
}

async function main() {
  const argv = process.argv.slice(2).filter((arg) => arg !== "--");
  const isName = (arg: string) => BENCHES.some((b) => b.name === arg);
  const wanted = argv.filter(isName);
  const extra = argv.filter((arg) => !isName(arg));
  const selected = BENCHES.filter(
    (b) => (wanted.length === 0 ? !b.onRequest : wanted.includes(b.name)) && existsSync(b.script),
  );
  let server: ThrowawayPostgres | undefined;
  let databaseUrl = process.env.BENCH_DATABASE_URL;
  if (!databaseUrl && selected.some((b) => b.needsDatabase)) {
    server = startThrowawayPostgres();
    databaseUrl = server.url;
    console.log(`benchmarks on a throwaway PostgreSQL server at ${databaseUrl}`);
  }
  let failed = 0;
  try {
    for (const bench of selected) {
      console.log(`\n==== bench: ${bench.name}\n`);
      const env = {
        ...bench.env,
        ...(bench.needsDatabase && databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      };
      if ((await run(bench.script, env, [...(bench.args ?? []), ...extra])) !== 0) failed += 1;
    }
  } finally {
    server?.stop();
  }
  process.exit(failed > 0 ? 1 : 0);
}

void main();
