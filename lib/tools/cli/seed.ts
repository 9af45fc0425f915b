/**
 * `npm run seed`: demo data in the database the app uses (DATABASE_URL, or the embedded database,
 * also while a server runs on it), so a fresh installation shows a living site:
 *   npm run seed [-- --users 300 --actions 9000 --weeks 6 --seed 1 --force]
 * It refuses a database that already has users or messages unless given --force (then it adds to
 * them). Nothing runs it by itself. Exit status: 0 seeded, 1 refused or failed, 2 bad usage.
 */
import { applyMigrations } from "../../db/migrate";
import { env } from "../../runtime/env";
import { DatabaseNotEmptyError, seedDemoData } from "../seed/demo-data";
import { parseSeedArgs, SEED_USAGE } from "../seed/seed-args";
import { runDatabaseCommand } from "./database-command";

runDatabaseCommand(process.argv.slice(2), parseSeedArgs, SEED_USAGE, async (command, database) => {
  try {
    console.log(`seeding ${database.description}`);
    // A fresh checkout seeds before its first `npm start`: the schema has to exist first.
    if (env().migrateOnStart) await applyMigrations(database.url);
    const started = performance.now();
    const result = await seedDemoData(command.options);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const day = (date: Date | null) => date?.toISOString().slice(0, 10) ?? "-";
    console.log(
      `${result.users} users, ${result.follows} follows, ${result.messages} messages ` +
        `(${day(result.firstMessage)} to ${day(result.lastMessage)}) in ${seconds} s`,
    );
    console.log(
      `\nDemo sign-in (${result.demo.created ? "new account" : "existing account, new password"}, ` +
        `following ${result.demo.following} of the most active users):\n` +
        `  username: ${result.demo.username}\n  password: ${result.demo.password}`,
    );
    return 0;
  } catch (error) {
    if (error instanceof DatabaseNotEmptyError) {
      console.error(`Not seeding: ${error.message}. Run with --force to add the demo data anyway.`);
      return 1;
    }
    throw error;
  }
});
