import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { readLock } from "../../lib/db/data-dir-lock";
import { withClient } from "../../lib/db/pg-config";
import { readServerState } from "./state";

const run = promisify(execFile);

/** The e2e server's database: E2E_DATABASE_URL, else what the harness recorded when it started. */
export function e2eDatabaseUrl(): string {
  if (process.env.E2E_DATABASE_URL) return process.env.E2E_DATABASE_URL;
  const state = readServerState(process.env.E2E_PORT ?? "3107");
  if (state.databaseUrl) return state.databaseUrl;
  const owner = state.dataDir ? readLock(state.dataDir) : undefined;
  if (!owner?.url) throw new Error("cannot find the e2e server's database");
  return owner.url;
}

export async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  return withClient(e2eDatabaseUrl(), async (client) => (await client.query<T>(text, values)).rows);
}

/** Admins are made by operators; there is no way to become one through the app. */
export async function makeAdmin(username: string): Promise<void> {
  await sql("UPDATE users SET role = 'ADMIN' WHERE username = $1", [username]);
}

export async function messageIdByText(text: string): Promise<number> {
  const [row] = await sql<{ id: number }>("SELECT id FROM messages WHERE text = $1", [text]);
  if (!row) throw new Error(`no message "${text}"`);
  return row.id;
}

/**
 * `npm run flag -- <args>` against the e2e server's database, configured as an operator would: the
 * server's DATABASE_URL, or its data folder (the tool then shares the running embedded database).
 */
export async function flagTool(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
  const state = process.env.E2E_DATABASE_URL
    ? { databaseUrl: process.env.E2E_DATABASE_URL }
    : readServerState(process.env.E2E_PORT ?? "3107");
  return run(tsx, ["lib/tools/cli/flag.ts", ...args], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: state.databaseUrl ?? "",
      MINITWIT_DATA_DIR: state.dataDir ?? "",
    },
  });
}
