/** `npm run flag -- [--unflag] <id>...`: message ids as the original's tool took them, or global ids. */

export type FlagCommand =
  { kind: "run"; flagged: boolean; ids: number[] } | { kind: "help" } | { kind: "error"; message: string };

export const FLAG_USAGE = `Usage: npm run flag -- [--unflag] <message id>...

Hides messages from every timeline and the simulator's lists (or shows them again with --unflag).
Ids are the numeric message ids, or the global ids the GraphQL API and the web UI use.`;

const MAX_ID = 2_147_483_647;

export function parseFlagArgs(
  argv: readonly string[],
  fromGlobalId: (id: string) => { type: string; id: number } | null,
): FlagCommand {
  let flagged = true;
  const ids: number[] = [];
  for (const arg of argv) {
    if (arg === "--help" || arg === "-h") return { kind: "help" };
    if (arg === "--unflag") {
      flagged = false;
      continue;
    }
    if (arg.startsWith("-")) return { kind: "error", message: `Unknown option ${arg}` };
    if (/^\d+$/.test(arg)) {
      const id = Number(arg);
      if (id < 1 || id > MAX_ID) return { kind: "error", message: `Not a message id: ${arg}` };
      ids.push(id);
      continue;
    }
    const parsed = fromGlobalId(arg);
    if (!parsed || parsed.type !== "Message") return { kind: "error", message: `Not a message id: ${arg}` };
    ids.push(parsed.id);
  }
  if (ids.length === 0) return { kind: "error", message: "Give at least one message id" };
  return { kind: "run", flagged, ids: [...new Set(ids)] };
}
