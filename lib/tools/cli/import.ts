import { openDatabase } from "../../db/connect";
import { pendingMigrations } from "../../db/migrate";
import { disconnectDb } from "../../db/prisma";
import { env, resolveFileSecrets } from "../../runtime/env";
import { IMPORT_USAGE, parseImportArgs } from "../legacy-import/args";
import { importLegacyDatabase } from "../legacy-import/import";
import { streamProgress } from "../legacy-import/progress";
import { formatOutcome } from "../legacy-import/report";
import { LegacyImportError } from "../legacy-import/source";

/**
 * `npm run import:legacy -- <file.db>` (image: `node dist/import.mjs <file.db>`): an original
 * MiniTwit database into the database the app uses, a running server's embedded one included.
 * Exit 0: imported, dry run, or already imported; 1: refused or failed, nothing written; 2: usage.
 */
async function main(argv: string[]): Promise<number> {
  const command = parseImportArgs(argv);
  if (command.kind === "help") {
    console.log(IMPORT_USAGE);
    return 0;
  }
  if (command.kind === "error") {
    console.error(`${command.message}\n\n${IMPORT_USAGE}`);
    return 2;
  }
  resolveFileSecrets();
  env();
  const database = await openDatabase({ shareRunning: true });
  try {
    const pending = await pendingMigrations(database.url);
    if (pending.length > 0) {
      console.error(
        `The database's schema is not up to date (${pending.length} pending migration${pending.length > 1 ? "s" : ""}): run \`npm run db:migrate\` (image: \`node dist/migrate.mjs\`) or start the server once, then import again.`,
      );
      return 1;
    }
    let outcome;
    try {
      outcome = await importLegacyDatabase(command.file, {
        dryRun: command.dryRun,
        renameCollisions: command.renameCollisions,
        progress: streamProgress(process.stderr),
      });
    } catch (error) {
      // A bad file is refused before the transaction starts; anything later rolls it back.
      const known = error instanceof LegacyImportError;
      if (!known) console.error(error);
      console.error(`${known ? error.message : "The import failed."}\nNothing was imported.`);
      return 1;
    }
    const { text, exitCode } = formatOutcome(outcome, database.description, command);
    (exitCode === 0 ? console.log : console.error)(text);
    return exitCode;
  } finally {
    await disconnectDb();
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
