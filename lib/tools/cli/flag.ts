import { fromGlobalId } from "../../../graphql/global-id";
import { openDatabase } from "../../db/connect";
import { disconnectDb } from "../../db/prisma";
import { setFlagged } from "../../domain/messages";
import { resolveFileSecrets } from "../../runtime/env";
import { FLAG_USAGE, parseFlagArgs } from "./flag-args";

/**
 * The operators' moderation tool, like the original's `flag_tool`: flags (hides) or unflags messages
 * by id, in the database the app uses (a running server's embedded database included).
 */
async function main(argv: string[]): Promise<number> {
  const command = parseFlagArgs(argv, fromGlobalId);
  if (command.kind === "help") {
    console.log(FLAG_USAGE);
    return 0;
  }
  if (command.kind === "error") {
    console.error(`${command.message}\n\n${FLAG_USAGE}`);
    return 2;
  }
  resolveFileSecrets();
  const database = await openDatabase({ shareRunning: true });
  try {
    const changed = new Set(await setFlagged(command.ids, command.flagged));
    const verb = command.flagged ? "flagged" : "unflagged";
    for (const id of command.ids) {
      if (changed.has(id)) console.log(`message ${id} ${verb}`);
      else console.error(`message ${id} does not exist`);
    }
    return changed.size === command.ids.length ? 0 : 1;
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
