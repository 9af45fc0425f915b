import { readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** Where the e2e server says which database it uses, so tests can reach it as an operator would. */
export type ServerState = { databaseUrl?: string; dataDir?: string };

export function stateFile(port: string): string {
  return path.join(os.tmpdir(), `minitwit-e2e-${port}.json`);
}

export function writeServerState(port: string, state: ServerState): void {
  writeFileSync(stateFile(port), JSON.stringify(state));
}

export function readServerState(port: string): ServerState {
  return JSON.parse(readFileSync(stateFile(port), "utf8")) as ServerState;
}

export function removeServerState(port: string): void {
  rmSync(stateFile(port), { force: true });
}
