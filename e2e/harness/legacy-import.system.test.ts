import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tsEntry } from "../../lib/tools/cli/ts-entry";
import { withClient } from "../../lib/db/pg-config";
import { createTestDatabase, type TestDatabase } from "../../lib/db/test-database";
import {
  badMinitwitFiles,
  exampleMinitwit,
  originalTimelines,
  writeMinitwitDatabase,
} from "../support/minitwit-db";
import { startTestServer, tempDir, type TestServer } from "./server";

const run = promisify(execFile);
const SIM = { Authorization: `Basic ${Buffer.from("simulator:super_safe!").toString("base64")}` };

/** A scripted browser: keeps cookies, follows nothing by itself. */
class Client {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  async request(pathname: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) {
      headers.set("cookie", [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; "));
    }
    const res = await fetch(`${this.base}${pathname}`, { ...init, headers, redirect: "manual" });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const [name, ...value] = (pair ?? "").split("=");
      if (name) this.cookies.set(name.trim(), value.join("="));
    }
    return res;
  }

  /** A form post, then the page it redirects to (where the flash shows). */
  async post(pathname: string, fields: Record<string, string>): Promise<{ status: number; html: string }> {
    const posted = await this.request(pathname, { method: "POST", body: new URLSearchParams(fields) });
    const location = posted.headers.get("location");
    if (posted.status !== 303 || !location) return { status: posted.status, html: await posted.text() };
    await posted.arrayBuffer();
    const page = await this.request(new URL(location, this.base).pathname);
    return { status: 303, html: await page.text() };
  }

  async page(pathname: string): Promise<string> {
    const res = await this.request(pathname);
    expect(res.status, pathname).toBe(200);
    return res.text();
  }
}

function decode(html: string): string {
  return html
    .replace(/<!-- -->/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/** The texts of a timeline page, top to bottom, and its "older messages" link. */
function timeline(html: string): { texts: string[]; next: string | null } {
  const texts = [...html.matchAll(/<p class="message-text">([\s\S]*?)<\/p>/g)].map((m) => decode(m[1]!));
  const link = /<a[^>]*href="([^"]+)"[^>]*rel="next"|<a[^>]*rel="next"[^>]*href="([^"]+)"/.exec(html);
  return { texts, next: link ? decode(link[1] ?? link[2]!) : null };
}

/** Every page of a timeline, following "older messages". */
async function wholeTimeline(client: Client, pathname: string): Promise<string[]> {
  const texts: string[] = [];
  let next: string | null = pathname;
  for (let pages = 0; next && pages < 10; pages++) {
    const page = timeline(await client.page(next));
    texts.push(...page.texts);
    next = page.next;
  }
  return texts;
}

/**
 * An original MiniTwit database (real Werkzeug hashes) imported with the command line into a running
 * server's database — its embedded one through the data folder, or a PostgreSQL server — then used
 * as its users would: sign-in with the original passwords, timelines in the original's order,
 * the simulator API and API tokens.
 */
describe("moving from MiniTwit", () => {
  let work: Awaited<ReturnType<typeof tempDir>>;
  let database: TestDatabase | undefined;
  let server: TestServer;
  let commandEnv: NodeJS.ProcessEnv;
  const legacy = exampleMinitwit("");
  let legacyFile: string;

  /** The server's database, for what only the database shows (the stored hashes). */
  const databaseUrl = () => {
    if (database) return database.url;
    return (JSON.parse(readFileSync(path.join(work.dir, "data", "pglite.lock"), "utf8")) as { url: string })
      .url;
  };
  const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) =>
    withClient(databaseUrl(), async (c) => (await c.query<T>(text, values)).rows);
  const counts = () =>
    sql<{ users: number; follows: number; messages: number }>(
      `SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM follows)::int AS follows,
              (SELECT count(*) FROM messages)::int AS messages`,
    );

  async function importCommand(...args: string[]) {
    const [command, argv] = tsEntry("lib/tools/cli/import.ts", args);
    return run(command, argv, { env: commandEnv }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code?: number; stdout: string; stderr: string }) => ({
        code: error.code ?? 1,
        stdout: error.stdout,
        stderr: error.stderr,
      }),
    );
  }

  beforeAll(async () => {
    work = await tempDir("minitwit-legacy-");
    legacyFile = path.join(work.dir, "minitwit.db");
    writeMinitwitDatabase(legacyFile, legacy.spec);
    if (process.env.TEST_DATABASE_URL) {
      database = await createTestDatabase({ migrate: false });
      server = await startTestServer({ databaseUrl: database.url });
      commandEnv = { ...process.env, DATABASE_URL: database.url, MINITWIT_EMBEDDED_DB: "" };
    } else {
      const dataDir = path.join(work.dir, "data");
      server = await startTestServer({ dataDir });
      // No DATABASE_URL: the command finds the running server's embedded database by its data folder.
      commandEnv = { ...process.env, DATABASE_URL: "", MINITWIT_DATA_DIR: dataDir, MINITWIT_EMBEDDED_DB: "" };
    }
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await database?.dispose();
    await work?.remove();
  });

  it("refuses bad files and a colliding username with their messages, and changes nothing", async () => {
    const web = new Client(server.url);
    const registered = await web.post("/register", {
      username: legacy.names.dave.toLowerCase(),
      email: "dave@minitwit.example",
      password: "already here 1",
      password2: "already here 1",
    });
    expect(registered.html).toContain("You were successfully registered and can login now");
    const before = await counts();

    for (const { kind, file, message } of await badMinitwitFiles(path.join(work.dir, "bad"))) {
      const result = await importCommand(file);
      expect(result.code, kind).toBe(1);
      expect(result.stderr, kind).toMatch(message);
      expect(result.stderr, kind).toContain("Nothing was imported.");
    }

    const collided = await importCommand(legacyFile);
    expect(collided.code).toBe(1);
    expect(collided.stderr).toContain(
      [
        `Nothing was imported from ${legacyFile}:`,
        "1 username collides (compared case-insensitively):",
        `  "${legacy.names.dave}" (user_id 4): the existing user "${legacy.names.dave.toLowerCase()}"`,
        `Rename them in the file, or run again with --rename-collisions to import them as "${legacy.names.dave}_2".`,
      ].join("\n"),
    );

    const dry = await importCommand(legacyFile, "--dry-run", "--rename-collisions");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("Nothing was written.");
    expect(dry.stdout).toContain(
      "  follows:  3 of 7 would be imported; dropped 1 duplicate, 3 naming a user not in the file",
    );
    expect(dry.stdout).toContain("  messages: 44 of 45 would be imported (2 flagged");
    expect(dry.stdout).toContain("  password hashes: 2 scrypt, 1 pbkdf2:sha256, 1 pbkdf2:sha1;");
    expect(dry.stdout).toContain(`    "${legacy.names.dave}" -> "${legacy.names.dave}_2"`);
    expect(await counts()).toEqual(before);
  });

  it("imports with --rename-collisions, with a line per table, and a second run imports nothing", async () => {
    const before = (await counts())[0]!;
    const imported = await importCommand(legacyFile, "--rename-collisions");
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(`Imported ${legacyFile} into `);
    expect(imported.stdout).toMatch(/ {2}publication times: 1 missing, set to the import time \d{4}-/);
    // Not a terminal: one plain line per table.
    expect(imported.stderr.split("\n").filter((line) => line !== "")).toEqual([
      expect.stringMatching(/^users: +4 of 4 rows read \(100%\) in \d+\.\d s$/),
      expect.stringMatching(/^follows: +7 of 7 rows read \(100%\) in \d+\.\d s$/),
      expect.stringMatching(/^messages: +45 of 45 rows read \(100%\) in \d+\.\d s$/),
    ]);
    expect((await counts())[0]).toEqual({
      users: before.users + 4,
      follows: before.follows + 3,
      messages: before.messages + 44,
    });

    const again = await importCommand(legacyFile, "--rename-collisions");
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/was already imported into .* on \d{4}-\d\d-\d\d .*: nothing to do\./);
    expect((await counts())[0]?.messages).toBe(before.messages + 44);
  });

  it("signs in with an original password through /login, and again once it is rehashed", async () => {
    const username = legacy.names.bob; // pbkdf2:sha256, Werkzeug's default before 2.3
    const storedHash = async () =>
      (await sql<{ pw_hash: string }>(`SELECT pw_hash FROM users WHERE username = $1`, [username]))[0]!
        .pw_hash;
    expect(await storedHash()).toMatch(/^pbkdf2:sha256:[1-9][0-9]{5,}\$/);

    const web = new Client(server.url);
    const wrong = await web.post("/login", { username, password: "not it" });
    expect(wrong.html).toContain("Invalid password");
    const first = await web.post("/login", { username, password: legacy.passwords.bob });
    expect(first.status).toBe(303);
    expect(first.html).toContain("You were logged in");
    expect(await storedHash()).toMatch(/^\$argon2id\$/);

    await web.request("/logout");
    const again = new Client(server.url);
    const second = await again.post("/login", { username, password: legacy.passwords.bob });
    expect(second.html).toContain("You were logged in");
    // The renamed user signs in under the new name with the old password.
    const dave = await new Client(server.url).post("/login", {
      username: `${legacy.names.dave}_2`,
      password: legacy.passwords.dave,
    });
    expect(dave.html).toContain("You were logged in");
  });

  it("shows every timeline in the original's order, flagged messages hidden", async () => {
    const original = originalTimelines(legacyFile, 1);
    const text = new Map(legacy.spec.messages.map((m) => [m.message_id, m.text]));
    const flagged = new Set(legacy.spec.messages.filter((m) => m.flagged !== 0).map((m) => m.text));
    const undated = legacy.spec.messages.find((m) => m.pub_date === null)!.text;
    // The message the original had no time for is dated at the import, so it is the newest.
    const expected = (ids: number[]) => [
      ...ids.map((id) => text.get(id)!).filter((t) => t === undated),
      ...ids.map((id) => text.get(id)!).filter((t) => t !== undated && !flagged.has(t)),
    ];

    const web = new Client(server.url);
    const publicTexts = await wholeTimeline(web, "/public");
    expect(publicTexts.length).toBeGreaterThan(30); // more than a page: the order holds across the link
    expect(publicTexts).toEqual(expected(original.public));
    expect(await wholeTimeline(web, `/${legacy.names.alice}`)).toEqual(expected(original.user));

    const signedIn = await web.post("/login", {
      username: legacy.names.alice,
      password: legacy.passwords.alice,
    });
    expect(signedIn.html).toContain("You were logged in");
    expect(await wholeTimeline(web, "/")).toEqual(expected(original.home));
    for (const hidden of flagged) expect(publicTexts).not.toContain(hidden);
  });

  it("serves imported users through the simulator API and to their API tokens like any other", async () => {
    const bob = encodeURIComponent(legacy.names.bob);
    const listed = await fetch(`${server.url}/sim/msgs/${bob}?no=100`, { headers: SIM });
    expect(listed.status).toBe(200);
    const original = originalTimelines(legacyFile, 2);
    const flagged = new Set(legacy.spec.messages.filter((m) => m.flagged !== 0).map((m) => m.message_id));
    const text = new Map(legacy.spec.messages.map((m) => [m.message_id, m.text]));
    expect(((await listed.json()) as { content: string }[]).map((m) => m.content)).toEqual(
      original.user.filter((id) => !flagged.has(id)).map((id) => text.get(id)),
    );
    const follows = await fetch(`${server.url}/sim/fllws/${encodeURIComponent(legacy.names.alice)}`, {
      headers: SIM,
    });
    expect(await follows.json()).toEqual({ follows: [legacy.names.bob, legacy.names.carol] });
    const posted = await fetch(`${server.url}/sim/msgs/${bob}`, {
      method: "POST",
      headers: { ...SIM, "content-type": "application/json" },
      body: JSON.stringify({ content: "bob posts through the simulator" }),
    });
    expect(posted.status).toBe(204);

    const web = new Client(server.url);
    await web.post("/login", { username: legacy.names.carol, password: legacy.passwords.carol });
    const created = await web.request("/api/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }",
        variables: { i: { name: "after the move" } },
      }),
    });
    const { data } = (await created.json()) as { data: { createApiToken: { token: string } } };
    const viewer = await fetch(`${server.url}/api/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${data.createApiToken.token}` },
      body: JSON.stringify({ query: "{ viewer { username followingCount } }" }),
    });
    expect(await viewer.json()).toEqual({
      data: { viewer: { username: legacy.names.carol, followingCount: 0 } },
    });
  });
});
