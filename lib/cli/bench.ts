import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { tsEntry } from "./ts-entry";
import { startThrowawayPostgres, type ThrowawayPostgres } from "../db/throwaway-server";

/**
 * `npm run bench`: every benchmark, each printing its own figures. They run against a real
 * PostgreSQL server: BENCH_DATABASE_URL when set, else a throwaway one started here (the embedded
 * database is for development and would measure PGlite, not the app).
 *   npm run bench                      all of them
 *   npm run bench -- graphql sim       some of them (graphql, sim, import, live, observability, lighthouse)
 */
const BENCHES: { name: string; script: string; needsDatabase: boolean; env?: Record<string, string> }[] = [
  { name: "graphql", script: "lib/bench/graphql.ts", needsDatabase: true },
  { name: "sim", script: "lib/bench/sim.ts", needsDatabase: true },
  { name: "import", script: "lib/bench/import.ts", needsDatabase: true },
  { name: "live", script: "lib/bench/live.ts", needsDatabase: true },
  {
    name: "observability",
    script: "lib/bench/observability.ts",
    needsDatabase: false,
    env: { LOG_LEVEL: "silent" },
  },
  { name: "lighthouse", script: "lib/cli/lighthouse.ts", needsDatabase: false },
];

function run(script: string, env: Record<string, string>): Promise<number> {
  const [command, args] = tsEntry(script);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
    child.once("error", reject);
    child.once("exit", (code) => resolve(code ?? 1));
  });
}

async function main() {
  const wanted = process.argv.slice(2);
  const selected = BENCHES.filter(
    (b) => (wanted.length === 0 || wanted.includes(b.name)) && existsSync(b.script),
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
      if ((await run(bench.script, env)) !== 0) failed += 1;
    }
  } finally {
    server?.stop();
  }
  process.exit(failed > 0 ? 1 : 0);
}

void main();
