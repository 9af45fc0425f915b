import { fromGlobalId } from "../../../graphql/global-id";
import { setFlagged } from "../../domain/messages";
import { FLAG_USAGE, parseFlagArgs } from "./flag-args";
import { runDatabaseCommand } from "./database-command";

/**
 * The operators' moderation tool, like the original's `flag_tool`: flags (hides) or unflags messages
 * by id, in the database the app uses (a running server's embedded database included).
 */
runDatabaseCommand(
  process.argv.slice(2),
  (argv) => parseFlagArgs(argv, fromGlobalId),
  FLAG_USAGE,
  async (command) => {
    const changed = new Set(await setFlagged(command.ids, command.flagged));
    const verb = command.flagged ? "flagged" : "unflagged";
    for (const id of command.ids) {
      if (changed.has(id)) console.log(`message ${id} ${verb}`);
      else console.error(`message ${id} does not exist`);
    }
    return changed.size === command.ids.length ? 0 : 1;
  },
);
