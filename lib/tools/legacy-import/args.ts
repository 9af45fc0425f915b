export const IMPORT_USAGE = `Usage: npm run import:legacy -- <minitwit.db> [--dry-run] [--rename-collisions]
       (in the image: node dist/import.mjs <minitwit.db> [...])

Imports an original MiniTwit SQLite database (users, follows, messages) into the configured
database (DATABASE_URL, else the embedded one, also while a server runs on it), all or nothing.
  --dry-run            print what would be imported, dropped or refused; write nothing
  --rename-collisions  import users whose names collide with existing ones (case-insensitively)
                       as <name>_2, <name>_3, ... instead of stopping`;

export type ImportCommand =
  | { kind: "run"; file: string; dryRun: boolean; renameCollisions: boolean }
  | { kind: "help" }
  | { kind: "error"; message: string };

export function parseImportArgs(argv: readonly string[]): ImportCommand {
  const files: string[] = [];
  let dryRun = false;
  let renameCollisions = false;
  let options = true;
  for (const arg of argv) {
    if (options && arg === "--") options = false;
    else if (options && (arg === "--help" || arg === "-h")) return { kind: "help" };
    else if (options && arg === "--dry-run") dryRun = true;
    else if (options && arg === "--rename-collisions") renameCollisions = true;
    else if (options && arg.startsWith("-")) return { kind: "error", message: `Unknown option ${arg}` };
    else files.push(arg);
  }
  if (files.length === 0) return { kind: "error", message: "Name the MiniTwit database file to import" };
  if (files.length > 1) return { kind: "error", message: `One file at a time, got ${files.length}` };
  return { kind: "run", file: files[0]!, dryRun, renameCollisions };
}
