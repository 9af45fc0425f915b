import { parseArgs } from "node:util";

/** The stages of `npm test` (lib/tools/cli/test.ts), in their order. */
export const STAGES = ["check", "unit", "integration", "build", "system", "e2e"] as const;
export type Stage = (typeof STAGES)[number];

/** The stages `--stages` names (all when absent); an unknown name is an error that names the known ones. */
export function selectedStages(argv: readonly string[]): Set<Stage> {
  const { values } = parseArgs({ args: [...argv], options: { stages: { type: "string" } } });
  if (values.stages === undefined) return new Set(STAGES);
  const names = values.stages.split(",").map((name) => name.trim());
  const unknown = names.filter((name) => !(STAGES as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(
      `--stages: unknown stage ${unknown.map((n) => `"${n}"`).join(", ")} (known: ${STAGES.join(", ")})`,
    );
  }
  return new Set(names as Stage[]);
}
