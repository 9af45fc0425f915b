import { openDatabase, type Database } from "../../db/connect";
import { disconnectDb } from "../../db/prisma";
import { env, resolveFileSecrets } from "../../runtime/env";

/** What an argument parser returns besides the command to run: a request for help, a usage error. */
type Usage = { kind: "help" } | { kind: "error"; message: string };

/**
 * Runs a command-line tool on the database the app uses (a running server's embedded one included):
 * usage on `--help` (exit 0) or a bad argument (exit 2), else `run` between opening and closing the
 * database; the process exits with `run`'s status (1 on an unexpected error).
 */
export function runDatabaseCommand<R extends { kind: string }>(
  argv: string[],
  parse: (argv: string[]) => R,
  usage: string,
  run: (command: Exclude<R, Usage>, database: Database) => Promise<number>,
): void {
  const main = async (): Promise<number> => {
    const command = parse(argv) as R | Usage;
    if (command.kind === "help") {
      console.log(usage);
      return 0;
    }
    if (command.kind === "error") {
      console.error(`${(command as Usage & { kind: "error" }).message}\n\n${usage}`);
      return 2;
    }
    resolveFileSecrets();
    env();
    const database = await openDatabase({ shareRunning: true });
    try {
      return await run(command as Exclude<R, Usage>, database);
    } finally {
      await disconnectDb();
      await database.close();
    }
  };
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
