import { pendingMigrations } from "../../db/migrate";
import { IMPORT_USAGE, parseImportArgs } from "../legacy-import/args";
import { importLegacyDatabase } from "../legacy-import/import";
import { streamProgress } from "../legacy-import/progress";
import { formatOutcome } from "../legacy-import/report";
import { LegacyImportError } from "../legacy-import/source";
import { runDatabaseCommand } from "./database-command";

/**
 * `npm run import:legacy -- <file.db>` (image: `node dist/import.mjs <file.db>`): an original
 * MiniTwit database into the database the app uses, a running server's embedded one included.
 * Exit 0: imported, dry run, or already imported; 1: refused or failed, nothing written; 2: usage.
 */
runDatabaseCommand(process.argv.slice(2), parseImportArgs, IMPORT_USAGE, async (command, database) => {
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
});
