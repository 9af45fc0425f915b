import { parseArgs } from "node:util";
import type { SeedOptions } from "./demo-data";

export const SEED_USAGE = `Usage: npm run seed [-- options]

Demo data in the app's database (DATABASE_URL, else the embedded one, also while a server runs):
users with identicons, follows and messages spread over the last weeks, and a demo account whose
sign-in is printed. Refuses a database that has users or messages, unless --force.

  --users N     seeded users besides the demo account (default 300)
  --actions N   scenario actions they come from; about 45 % become messages (default 9000)
  --weeks N     how far back the messages reach (default 6)
  --seed N      the generator's seed: the same options give the same data (default 1)
  --force       seed a database that is not empty (adds to it)
  --help`;

export type SeedCommand =
  { kind: "seed"; options: SeedOptions } | { kind: "help" } | { kind: "error"; message: string };

const LIMITS = {
  users: [1, 100_000],
  actions: [1, 2_000_000],
  weeks: [1, 520],
  seed: [0, 2 ** 32 - 1],
} as const;
const DEFAULTS = { users: 300, actions: 9_000, weeks: 6, seed: 1 } as const;

export function parseSeedArgs(argv: string[]): SeedCommand {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        users: { type: "string" },
        actions: { type: "string" },
        weeks: { type: "string" },
        seed: { type: "string" },
        force: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    return { kind: "error", message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { kind: "help" };
  const numbers = { ...DEFAULTS } as Record<keyof typeof DEFAULTS, number>;
  for (const name of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const raw = values[name];
    if (typeof raw !== "string") continue;
    const [min, max] = LIMITS[name];
    const parsed = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      return { kind: "error", message: `--${name} must be an integer from ${min} to ${max}, got "${raw}"` };
    }
    numbers[name] = parsed;
  }
  if (numbers.actions < numbers.users) {
    return {
      kind: "error",
      message: `--actions (${numbers.actions}) must be at least --users (${numbers.users})`,
    };
  }
  return { kind: "seed", options: { ...numbers, force: values.force === true } };
}
