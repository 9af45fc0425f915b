import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { ensureAppRole } from "./app-role";
import { pgConfigFromUrl, withClient } from "./pg-config";

const ownerUrl = process.env.DATABASE_URL!;
// Connecting as another role needs a real server: the embedded database's socket serves its one user.
const onServer = process.env.TEST_DATABASE_URL !== undefined;
const role = `minitwit_app_${randomUUID().replaceAll("-", "").slice(0, 10)}`;

function urlAs(user: string, password: string): string {
  const url = new URL(ownerUrl);
  url.username = user;
  url.password = password;
  return url.toString();
}

async function asApp<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  return withClient(pgConfigFromUrl(urlAs(role, "s3cret pass/word")), run);
}

afterAll(async () => {
  if (!onServer) return;
  await withClient(ownerUrl, async (client) => {
    await client.query(`DROP OWNED BY ${role}`).catch(() => {});
    await client.query(`DROP ROLE IF EXISTS ${role}`);
  });
});

describe.runIf(onServer)("the app's own database role (needs TEST_DATABASE_URL)", () => {
  it("is created once, without superuser rights, with the URL's password, and updated on a rerun", async () => {
    const appUrl = urlAs(role, "s3cret pass/word");
    expect(await ensureAppRole(ownerUrl, appUrl)).toEqual({ role, created: true });
    expect(await ensureAppRole(ownerUrl, appUrl)).toEqual({ role, created: false });
    const rows = await withClient(
      ownerUrl,
      async (client) =>
        (
          await client.query(
            `SELECT rolsuper, rolcreatedb, rolcreaterole, rolcanlogin, rolpassword IS NOT NULL AS has_password
             FROM pg_authid WHERE rolname = $1`,
            [role],
          )
        ).rows,
    );
    expect(rows).toEqual([
      { rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolcanlogin: true, has_password: true },
    ]);
  });

  it("may use the rows of every table, but not change the schema", async () => {
    await ensureAppRole(ownerUrl, urlAs(role, "s3cret pass/word"));
    const name = `role_${randomUUID().slice(0, 8)}`;
    await asApp(async (client) => {
      const inserted = await client.query<{ id: number }>(
        `INSERT INTO users (username, email, pw_hash) VALUES ($1, $2, 'x') RETURNING id`,
        [name, `${name}@example.org`],
      );
      await client.query(`UPDATE users SET email = $1 WHERE id = $2`, [
        `${name}@example.com`,
        inserted.rows[0]!.id,
      ]);
      await client.query(`DELETE FROM users WHERE id = $1`, [inserted.rows[0]!.id]);
      await expect(client.query("CREATE TABLE intruder (x int)")).rejects.toThrow(/permission denied/);
      await expect(client.query(`ALTER TABLE users ADD COLUMN intruder int`)).rejects.toThrow(
        /must be owner/,
      );
      await expect(client.query(`DROP TABLE users`)).rejects.toThrow(/must be owner/);
    });
  });

  it("gets the rows of tables that later migrations create", async () => {
    await ensureAppRole(ownerUrl, urlAs(role, "s3cret pass/word"));
    const table = `later_${randomUUID().replaceAll("-", "").slice(0, 8)}`;
    await withClient(ownerUrl, (client) =>
      client.query(`CREATE TABLE ${table} (id serial PRIMARY KEY, x int)`),
    );
    try {
      await asApp(async (client) => {
        await client.query(`INSERT INTO ${table} (x) VALUES (1)`);
        expect((await client.query(`SELECT x FROM ${table}`)).rows).toEqual([{ x: 1 }]);
      });
    } finally {
      await withClient(ownerUrl, (client) => client.query(`DROP TABLE ${table}`));
    }
  });

  it("is nothing to do when the app connects as the owner, and refuses to demote a superuser", async () => {
    const owner = decodeURIComponent(new URL(ownerUrl).username);
    expect(await ensureAppRole(ownerUrl, ownerUrl)).toEqual({ role: owner, owner: true });
    const superuser = `minitwit_su_${randomUUID().replaceAll("-", "").slice(0, 8)}`;
    await withClient(ownerUrl, (client) => client.query(`CREATE ROLE ${superuser} SUPERUSER LOGIN`));
    try {
      await expect(ensureAppRole(ownerUrl, urlAs(superuser, ""))).rejects.toThrow(/is a superuser/);
      const still = await withClient(
        ownerUrl,
        async (client) =>
          (await client.query("SELECT rolsuper FROM pg_roles WHERE rolname = $1", [superuser])).rows,
      );
      expect(still).toEqual([{ rolsuper: true }]);
    } finally {
      await withClient(ownerUrl, (client) => client.query(`DROP ROLE ${superuser}`));
    }
  });

  it("refuses an app URL on another server or database", async () => {
    const other = new URL(urlAs(role, "pw"));
    other.pathname = "/elsewhere";
    await expect(ensureAppRole(ownerUrl, other.toString())).rejects.toThrow(/must name the owner's server/);
  });
});
