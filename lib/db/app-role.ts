import { withClient } from "./pg-config";

/**
 * The role the app serves with, made by the migration step from the owner's connection. The app needs
 * the tables' rows only: a role that is not a superuser cannot take the last
 * `superuser_reserved_connections` slots (an operator's `psql` still gets in when the replicas have run
 * the server full), cannot change the schema, and cannot read other databases' data. `appUrl`'s user
 * and password define it, so the URL the app is given is the one source of truth: the role is created
 * when missing, its password set to the URL's (a rotated secret applies at the next migration), and it
 * is granted the rows of every table, now and (default privileges) of tables later migrations create.
 * Returns what was done; nothing when the app connects as the owner itself.
 */
export async function ensureAppRole(
  ownerUrl: string,
  appUrl: string,
): Promise<{ role: string; created: boolean } | { role: string; owner: true }> {
  const app = new URL(appUrl);
  const role = decodeURIComponent(app.username);
  const password = decodeURIComponent(app.password);
  if (!role) throw new Error("the app's database URL names no user");
  const owner = new URL(ownerUrl);
  if (decodeURIComponent(owner.username) === role) return { role, owner: true };
  if (app.host !== owner.host || app.pathname !== owner.pathname) {
    throw new Error(
      `the app's database URL must name the owner's server and database (${owner.host}${owner.pathname}), ` +
        `got ${app.host}${app.pathname}`,
    );
  }
  return withClient(ownerUrl, async (client) => {
    const id = client.escapeIdentifier(role);
    await client.query("BEGIN");
    try {
      // Serialises concurrent migration jobs (two deploys at once) around the existence check.
      await client.query("SELECT pg_advisory_xact_lock(hashtext('minitwit app role'))");
      const existing = await client.query<{ rolsuper: boolean }>(
        "SELECT rolsuper FROM pg_roles WHERE rolname = $1",
        [role],
      );
      const created = existing.rowCount === 0;
      if (existing.rows[0]?.rolsuper) {
        // Demoting a superuser someone else relies on is not the migration step's call.
        throw new Error(`the app's database role "${role}" is a superuser: give the app a role of its own`);
      }
      const passwordClause = password ? ` PASSWORD ${client.escapeLiteral(password)}` : "";
      // The attributes only at creation: ALTER with NOSUPERUSER needs a superuser, and a managed
      // database's owner (CREATEROLE, not a superuser) must be able to rerun this.
      await client.query(
        created
          ? `CREATE ROLE ${id} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS${passwordClause}`
          : `ALTER ROLE ${id} WITH LOGIN${passwordClause}`,
      );
      const database = client.escapeIdentifier(
        (await client.query<{ db: string }>("SELECT current_database() AS db")).rows[0]!.db,
      );
      await client.query(`GRANT CONNECT ON DATABASE ${database} TO ${id}`);
      await client.query(`GRANT USAGE ON SCHEMA public TO ${id}`);
      await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${id}`);
      await client.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${id}`);
      await client.query(
        `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${id}`,
      );
      await client.query(
        `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${id}`,
      );
      await client.query("COMMIT");
      return { role, created };
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    }
  });
}
