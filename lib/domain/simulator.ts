import { query, sql } from "../db/sql";

/**
 * The simulator's `latest` action id lives in one database row, so every app instance answers the
 * same. One upsert statement: no read-modify-write race between instances.
 */
export async function recordLatest(value: bigint): Promise<void> {
  await query(sql`
    INSERT INTO simulator_state (id, latest) VALUES (1, ${value.toString()}::bigint)
    ON CONFLICT (id) DO UPDATE SET latest = EXCLUDED.latest`);
}

/** Null until the simulator has sent a `latest`; the protocol layer shows that as -1. */
export async function getLatest(): Promise<bigint | null> {
  const rows = await query<{ latest: string }>(
    sql`SELECT latest::text AS latest FROM simulator_state WHERE id = 1`,
  );
  const row = rows[0];
  return row ? BigInt(row.latest) : null;
}
