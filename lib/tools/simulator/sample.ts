import { existsSync } from "node:fs";
import path from "node:path";

import { generateScenario } from "./generate";
import { readScenarioFile, type Action } from "./scenario";

/** The course's public sample scenario, beside the checkout (`../shared/data`), when it is there. */
export const SAMPLE_SCENARIO = path.resolve(process.cwd(), "..", "shared", "data", "minitwit_scenario.csv");
/** The sample's number of actions, which a generated stand-in matches. */
export const SAMPLE_SIZE = 25_922;

/**
 * The scenario a benchmark or fault run replays: the file asked for (an error when it cannot be
 * read), else the course's sample when present, else a generated scenario of the sample's size
 * (200 users, seed 1), so a checkout without `../shared` runs the same way. `source` says which.
 */
export async function loadScenario(file?: string): Promise<{ actions: Action[]; source: string }> {
  const chosen = file ?? (existsSync(SAMPLE_SCENARIO) ? SAMPLE_SCENARIO : undefined);
  if (chosen !== undefined) return { actions: await readScenarioFile(chosen), source: chosen };
  const actions = [...generateScenario({ actions: SAMPLE_SIZE, users: 200, seed: 1 })];
  return { actions, source: `generated (${SAMPLE_SIZE} actions, 200 users, seed 1)` };
}
