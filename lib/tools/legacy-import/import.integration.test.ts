import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../db/prisma";
import { homeTimeline, userTimeline } from "../../domain/messages";
import { verifyCredentials } from "../../domain/users";
import {
  badMinitwitFiles,
  exampleMinitwit,
  originalTimelines,
  writeMinitwitDatabase,
  type LegacyDatabaseSpec,
} from "../../../e2e/support/minitwit-db";
import { importLegacyDatabase, type ImportOutcome, type ImportReport } from "./import";
import { LegacyImportError } from "./source";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "minitwit-legacy-import-"));
});
afterAll(async () => {
  await disconnectDb();
  await rm(dir, { recursive: true, force: true });
});

/** A suffix that keeps this test's usernames apart from every other file's in the shared database. */
function suffix(): string {
  return `_${randomBytes(3).toString("hex")}`;
}

function fixture(name: string, spec: LegacyDatabaseSpec): string {
  const file = path.join(dir, name);
  writeMinitwitDatabase(file, spec);
  return file;
}

/** Every row of the tables an import writes, so "unchanged" means unchanged. */
async function snapshot(): Promise<string[]> {
  return (
    await db().$queryRaw<{ digest: string | null }[]>`
      SELECT (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM users t)
          || (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.follower_id, t.followee_id), '')) FROM follows t)
          || (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM messages t)
          || (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM legacy_imports t) AS digest`
  ).map((row) => row.digest ?? "");
}

function report(outcome: ImportOutcome): ImportReport {
  if (outcome.kind !== "imported" && outcome.kind !== "dry-run") throw new Error(`got ${outcome.kind}`);
  return outcome.report;
}

async function userIdsByName(names: string[]): Promise<Map<string, number>> {
  const users = await db().user.findMany({
    where: { username: { in: names } },
    select: { id: true, username: true },
  });
  return new Map(users.map((u) => [u.username, u.id]));
}

describe("importing an original MiniTwit database", () => {
  it("imports users, follows and messages into a database that already has data", async () => {
    const { spec, names } = exampleMinitwit(suffix());
    const file = fixture("example.db", spec);
    // Data already there: the import's ids must not collide with it.
    const before = await db().user.create({
      data: { username: `existing${suffix()}`, email: "x@y", pwHash: "x" },
    });
    await db().message.create({ data: { authorId: before.id, text: "already here" } });

    const result = report(await importLegacyDatabase(file));
    expect(result.users).toMatchObject({ total: 4, imported: 4 });
    expect(result.follows).toEqual({ total: 7, imported: 3, duplicates: 1, dangling: 3 });
    expect(result.messages).toMatchObject({
      total: 45,
      imported: 44,
      hidden: 2,
      unusualFlags: 1,
      unknownAuthor: 1,
      missingPubDate: 1,
    });
    expect(Object.fromEntries(result.users.plan.hashFormats)).toEqual({
      scrypt: 2,
      "pbkdf2:sha256": 1,
      "pbkdf2:sha1": 1,
    });

    const ids = await userIdsByName(Object.values(names));
    expect(ids.size).toBe(4);
    for (const id of ids.values()) expect(id).toBeGreaterThan(before.id);
    const alice = ids.get(names.alice)!;
    const bob = ids.get(names.bob)!;
    const carol = ids.get(names.carol)!;
    const imported = await db().user.findMany({
      where: { id: { in: [...ids.values()] } },
      select: { username: true, email: true, pwHash: true, role: true },
      orderBy: { id: "asc" },
    });
    expect(imported.map((u) => [u.username, u.email, u.role])).toEqual(
      spec.users.map((u) => [u.username, u.email, "USER"]),
    );
    expect(imported.map((u) => u.pwHash)).toEqual(
      spec.users.map((u) => ("pw_hash" in u ? u.pw_hash : expect.stringMatching(/^(scrypt|pbkdf2):/))),
    );

    const follows = await db().follow.findMany({
      where: { followerId: { in: [...ids.values()] } },
      select: { followerId: true, followeeId: true },
      orderBy: [{ followerId: "asc" }, { followeeId: "asc" }],
    });
    expect(follows).toEqual([
      { followerId: alice, followeeId: bob },
      { followerId: alice, followeeId: carol },
      { followerId: bob, followeeId: alice },
    ]);

    const messages = await db().message.findMany({ where: { authorId: { in: [...ids.values()] } } });
    expect(messages).toHaveLength(44);
    for (const message of messages) expect(message.id).toBeGreaterThan(before.id);
    const byText = new Map(messages.map((m) => [m.text, m]));
    expect(byText.get("message 7 by user 1 <b>not bold</b>")).toMatchObject({
      authorId: alice,
      pubDate: new Date((1_600_000_000 + 2 * 60) * 1000),
      flagged: false,
    });
    expect(byText.get("flagged by the original's flag tool")?.flagged).toBe(true);
    expect(byText.get("written with no flag at all")?.flagged).toBe(true);
    expect(byText.get("written with no publication time")?.pubDate).toEqual(result.importTime);
    expect(byText.has("by a user who was deleted")).toBe(false);

    const fingerprint = await db().legacyImport.findUnique({
      where: { fingerprint: result.source.fingerprint },
    });
    expect(fingerprint).toMatchObject({ fileName: file, users: 4, follows: 3, messages: 44 });
  });

  it("lists every timeline in the original's order, equal publication times included", async () => {
    const { spec, names } = exampleMinitwit(suffix());
    const file = fixture("order.db", spec);
    report(await importLegacyDatabase(file));
    const ids = await userIdsByName(Object.values(names));
    const legacyToNew = new Map(spec.users.map((u) => [u.user_id, ids.get(u.username)!]));
    const texts = new Map(spec.messages.map((m) => [m.message_id, m.text]));
    const undated = new Set(spec.messages.filter((m) => m.pub_date === null).map((m) => m.message_id));
    // The original listed the undated message last; the import dates it now, so it comes first.
    const expected = (legacyIds: number[]) => [
      ...legacyIds.filter((id) => undated.has(id)).map((id) => texts.get(id)),
      ...legacyIds.filter((id) => !undated.has(id)).map((id) => texts.get(id)),
    ];
    const flaggedTexts = new Set(spec.messages.filter((m) => m.flagged !== 0).map((m) => m.text));

    const original = originalTimelines(file, 1);
    // Ties are there to be ordered: the test is void without them.
    const dates = spec.messages.map((m) => m.pub_date);
    expect(new Set(dates).size).toBeLessThan(dates.length - 10);

    const publicOrder = await db().message.findMany({
      where: { authorId: { in: [...ids.values()] }, flagged: false },
      orderBy: [{ pubDate: "desc" }, { id: "desc" }],
      select: { text: true },
    });
    expect(publicOrder.map((m) => m.text)).toEqual(expected(original.public));

    const alice = legacyToNew.get(1)!;
    const home = await homeTimeline(alice, { size: 100 });
    expect(home.rows.map((m) => m.text)).toEqual(expected(original.home));
    // The original's user page did not filter flagged messages; Minitwit hides them everywhere.
    const own = await userTimeline(alice, { size: 100 });
    expect(own.rows.map((m) => m.text)).toEqual(
      expected(original.user).filter((text) => !flaggedTexts.has(text ?? "")),
    );
    // Paging with cursors keeps the order across the boundary of a page.
    const first = await homeTimeline(alice, { size: 7 });
    const last = first.rows.at(-1)!;
    const second = await homeTimeline(alice, { size: 7, after: { pubDate: last.pubDate, id: last.id } });
    expect([...first.rows, ...second.rows].map((m) => m.text)).toEqual(expected(original.home).slice(0, 14));
  });

  it("keeps every password valid, and replaces each hash with argon2id at the first sign-in", async () => {
    const { spec, names, passwords } = exampleMinitwit(suffix());
    report(await importLegacyDatabase(fixture("passwords.db", spec)));
    for (const key of ["alice", "bob", "carol", "dave"] as const) {
      const username = names[key];
      const stored = async () =>
        (await db().user.findUniqueOrThrow({ where: { username }, select: { pwHash: true } })).pwHash;
      const werkzeug = await stored();
      expect(werkzeug).toMatch(/^(scrypt|pbkdf2):/);
      expect(await verifyCredentials(username, `${passwords[key]}!`)).toEqual({
        ok: false,
        reason: "BAD_PASSWORD",
      });
      expect(await stored()).toBe(werkzeug);

      const first = await verifyCredentials(username, passwords[key]);
      expect(first).toMatchObject({ ok: true, user: { username } });
      const upgraded = await stored();
      expect(upgraded).toMatch(/^\$argon2id\$/);
      expect(await verifyCredentials(username, passwords[key])).toEqual(first);
      expect(await stored()).toBe(upgraded);
    }
  });

  it("keeps every character of names, emails and texts", async () => {
    const id = suffix();
    const nasty = [
      'he said "hi", then {left}',
      String.raw`back\slash " and \" too`,
      "NULL",
      "tab\tand\nnewline",
      "'single' quotes; DROP TABLE users; --",
      "emoji 😀 and non-ASCII Ærø",
      "",
    ];
    const username = `Roger "O'Brien" \\ Histand${id}`;
    const result = report(
      await importLegacyDatabase(
        fixture("characters.db", {
          users: [{ user_id: 1, username, email: 'quote"d@example.org', pw_hash: "x" }],
          messages: [...nasty, "NUL\u0000, which PostgreSQL cannot store"].map((text, i) => ({
            message_id: i + 1,
            author_id: 1,
            text,
            pub_date: 1_600_000_000 + i,
          })),
        }),
      ),
    );
    expect(result.messages.nulRemoved).toBe(1);
    const user = await db().user.findUniqueOrThrow({
      where: { username },
      select: { id: true, email: true },
    });
    expect(user.email).toBe('quote"d@example.org');
    const texts = await db().message.findMany({
      where: { authorId: user.id },
      orderBy: { pubDate: "asc" },
      select: { text: true },
    });
    expect(texts.map((m) => m.text)).toEqual([...nasty, "NUL, which PostgreSQL cannot store"]);
  });

  it("imports nothing the second time, and says when it was done", async () => {
    const { spec } = exampleMinitwit(suffix());
    const file = fixture("twice.db", spec);
    report(await importLegacyDatabase(file));
    const after = await snapshot();
    const again = await importLegacyDatabase(file);
    expect(again).toMatchObject({
      kind: "already-imported",
      previous: { users: 4, follows: 3, messages: 44 },
    });
    const dry = await importLegacyDatabase(file, { dryRun: true });
    expect(dry.kind).toBe("already-imported");
    expect(await snapshot()).toEqual(after);
    // A copy is the same file: its bytes, not its name, are what was imported.
    const copy = path.join(dir, "twice-copy.db");
    await writeFile(copy, await readFile(file));
    expect((await importLegacyDatabase(copy)).kind).toBe("already-imported");
  });

  it("runs two imports of one file at the same time as one", async () => {
    const { spec } = exampleMinitwit(suffix());
    const file = fixture("concurrent.db", spec);
    const outcomes = await Promise.all([importLegacyDatabase(file), importLegacyDatabase(file)]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(["already-imported", "imported"]);
  });

  it("writes nothing in a dry run, and reports what a real run would do", async () => {
    const { spec, names } = exampleMinitwit(suffix());
    await db().user.create({ data: { username: names.dave.toLowerCase(), email: "d@x", pwHash: "x" } });
    const before = await snapshot();
    const result = report(await importLegacyDatabase(fixture("dry.db", spec), { dryRun: true }));
    expect(await snapshot()).toEqual(before);
    expect(result.dryRun).toBe(true);
    expect(result.follows).toEqual({ total: 7, imported: 3, duplicates: 1, dangling: 3 });
    expect(result.messages).toMatchObject({ imported: 44, unknownAuthor: 1, missingPubDate: 1 });
    expect(Object.fromEntries(result.users.plan.hashFormats)).toEqual({
      scrypt: 2,
      "pbkdf2:sha256": 1,
      "pbkdf2:sha1": 1,
    });
    expect(result.wouldRefuse?.collisions).toEqual([
      expect.objectContaining({
        username: names.dave,
        with: { kind: "existing", username: names.dave.toLowerCase() },
      }),
    ]);
  });

  it("stops at colliding usernames with the list, unless told to rename them", async () => {
    const { spec, names, passwords } = exampleMinitwit(suffix());
    const file = fixture("collide.db", spec);
    await db().user.create({ data: { username: names.dave.toUpperCase(), email: "d@x", pwHash: "x" } });
    const before = await snapshot();
    const refused = await importLegacyDatabase(file);
    expect(refused).toMatchObject({
      kind: "refused",
      refusal: {
        invalid: [],
        collisions: [{ legacyId: 4, username: names.dave, renamedTo: `${names.dave}_2` }],
      },
    });
    expect(await snapshot()).toEqual(before);

    const renamed = report(await importLegacyDatabase(file, { renameCollisions: true }));
    expect(renamed.users.plan.collisions.map((c) => c.renamedTo)).toEqual([`${names.dave}_2`]);
    expect(await verifyCredentials(`${names.dave}_2`, passwords.dave)).toMatchObject({ ok: true });
    const dave = await db().user.findUniqueOrThrow({
      where: { username: `${names.dave}_2` },
      select: { id: true },
    });
    expect(await db().message.count({ where: { authorId: dave.id } })).toBe(1);
  });

  it("refuses usernames the app cannot hold, whatever the options", async () => {
    const id = suffix();
    const before = await snapshot();
    const outcome = await importLegacyDatabase(
      fixture("invalid.db", {
        users: [
          { user_id: 1, username: `bell\u0007${id}`, email: "a@x", pw_hash: "x" },
          { user_id: 2, username: `fine${id}`, email: "b@x", pw_hash: "x" },
        ],
        messages: [{ message_id: 9, author_id: 2, text: "nul\u0000here", pub_date: 1 }],
      }),
      { renameCollisions: true },
    );
    expect(outcome).toMatchObject({
      kind: "refused",
      refusal: { invalid: [{ legacyId: 1, problem: "it contains control characters" }] },
    });
    expect(await snapshot()).toEqual(before);
  });

  it("writes nothing at all when anything fails halfway", async () => {
    const { spec, names } = exampleMinitwit(suffix());
    const before = await snapshot();
    // A failure the importer cannot foresee, raised by the server on the last table it writes.
    await db().$executeRawUnsafe(`CREATE FUNCTION legacy_test_fail() RETURNS trigger AS $$
      BEGIN IF NEW.text LIKE 'message 40 %' THEN RAISE EXCEPTION 'disk full (simulated)'; END IF; RETURN NEW; END $$
      LANGUAGE plpgsql`);
    await db().$executeRawUnsafe(
      `CREATE TRIGGER legacy_test_fail BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION legacy_test_fail()`,
    );
    try {
      await expect(importLegacyDatabase(fixture("halfway.db", spec))).rejects.toThrow(
        /disk full \(simulated\)/,
      );
    } finally {
      await db().$executeRawUnsafe(`DROP TRIGGER legacy_test_fail ON messages`);
      await db().$executeRawUnsafe(`DROP FUNCTION legacy_test_fail()`);
    }
    expect(await snapshot()).toEqual(before);
    expect(await db().user.count({ where: { username: names.alice } })).toBe(0);
  });

  it("gives up, writing nothing, when someone signs up with an imported name during the import", async () => {
    const { spec, names } = exampleMinitwit(suffix());
    const before = await snapshot();
    // The sign-up lands between the collision check and the import's INSERT (a trigger puts it there).
    await db().$executeRawUnsafe(`CREATE FUNCTION legacy_test_race() RETURNS trigger AS $$
      BEGIN
        IF pg_trigger_depth() = 1 AND NEW.username = '${names.bob}' THEN
          INSERT INTO users (username, email, pw_hash) VALUES (NEW.username, 'racer@x', 'x');
        END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await db().$executeRawUnsafe(
      `CREATE TRIGGER legacy_test_race BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION legacy_test_race()`,
    );
    try {
      const error = await importLegacyDatabase(fixture("race.db", spec)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LegacyImportError);
      expect((error as Error).message).toMatch(
        /registered one of the imported usernames while the import ran/,
      );
    } finally {
      await db().$executeRawUnsafe(`DROP TRIGGER legacy_test_race ON users`);
      await db().$executeRawUnsafe(`DROP FUNCTION legacy_test_race()`);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("refuses each kind of bad file with its message, and changes nothing", async () => {
    const files = await badMinitwitFiles(path.join(dir, "bad"));
    const before = await snapshot();
    for (const { kind, file, message } of files) {
      const error = await importLegacyDatabase(file).catch((e: unknown) => e);
      expect(error, kind).toBeInstanceOf(LegacyImportError);
      expect((error as Error).message, kind).toMatch(message);
      const dry = await importLegacyDatabase(file, { dryRun: true }).catch((e: unknown) => e);
      expect((dry as Error).message, kind).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);
  });
});
