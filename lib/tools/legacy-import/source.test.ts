import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeMinitwitDatabase, type LegacyDatabaseSpec } from "../../../e2e/support/minitwit-db";
import { LegacyImportError, openLegacyDatabase } from "./source";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "minitwit-legacy-source-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const users = [{ user_id: 1, username: "alice", email: "a@x", pw_hash: "h" }];

function file(name: string, spec: LegacyDatabaseSpec): string {
  const out = path.join(dir, name);
  writeMinitwitDatabase(out, spec);
  return out;
}

async function sqlite(name: string, script: string): Promise<string> {
  const out = path.join(dir, name);
  const { execFileSync } = await import("node:child_process");
  execFileSync("python3", [
    "-c",
    `import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()`,
    out,
    script,
  ]);
  return out;
}

async function refusal(file: string): Promise<string> {
  const error = await openLegacyDatabase(file).then(
    (source) => {
      source.close();
      return null;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LegacyImportError);
  return (error as Error).message;
}

describe("reading an original MiniTwit database", () => {
  it("reads rows as the original stored them, and the public timeline's order from SQLite itself", async () => {
    const source = await openLegacyDatabase(
      file("order.db", {
        users: [...users, { user_id: 2, username: "42", email: "b@x", pw_hash: "h" }],
        follows: [
          [1, 2],
          [1, null],
        ],
        messages: [
          { message_id: 1, author_id: 1, text: "old", pub_date: 100 },
          { message_id: 2, author_id: 2, text: "tie, first in the file", pub_date: 200 },
          { message_id: 3, author_id: 1, text: "tie, second", pub_date: 200 },
          { message_id: 4, author_id: 1, text: "undated", pub_date: null },
          { message_id: 5, author_id: 9, text: "no such author", pub_date: 300 },
          { message_id: 6, author_id: 2, text: "1e3", pub_date: 150, flagged: null },
        ],
      }),
    );
    try {
      expect(source.counts).toEqual({ users: 2, follows: 2, messages: 6 });
      expect(source.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      // `string` columns have NUMERIC affinity: the name 42 is stored as an integer, read as its text.
      expect(source.users().map((u) => u.username)).toEqual(["alice", "42"]);
      expect([...source.follows()].flat()).toEqual([
        { who: 1, whom: 2 },
        { who: 1, whom: null },
      ]);
      const messages = [...source.messages()].flat();
      expect(messages.map((m) => m.text)).toEqual([
        "old",
        "tie, first in the file",
        "tie, second",
        "undated",
        "no such author",
        "1000",
      ]);
      expect(messages[5]).toMatchObject({ pubDate: 150, flagged: null });
      // The original listed ties in rowid order and undated messages last; unknown authors never.
      expect(source.publicTimelineOrder()).toEqual([2, 3, 6, 1, 4]);
    } finally {
      source.close();
    }
  });

  it("reads a WAL-mode file that was closed cleanly", async () => {
    const wal = file("wal.db", {
      users,
      messages: [{ message_id: 1, author_id: 1, text: "x", pub_date: 1 }],
      journal: "wal",
    });
    expect((await readFile(wal))[18]).toBe(2);
    const source = await openLegacyDatabase(wal);
    expect(source.counts.messages).toBe(1);
    source.close();
  });

  it("refuses a WAL-mode file whose latest changes are still in its -wal file", async () => {
    const open = file("wal-open.db", {
      users,
      messages: [{ message_id: 1, author_id: 1, text: "x", pub_date: 1 }],
      journal: "wal-open",
    });
    expect((await stat(`${open}-wal`)).size).toBeGreaterThan(0);
    expect(await refusal(open)).toMatch(/has changes in .*wal-open\.db-wal that are not in the file yet/);
  });

  it("refuses what is not a readable SQLite file", async () => {
    const text = path.join(dir, "notes.txt");
    await writeFile(text, "user_id,username\n1,alice\n");
    expect(await refusal(text)).toBe(
      `${text} is not a SQLite database (it does not start with SQLite's header)`,
    );
    const empty = path.join(dir, "empty.db");
    await writeFile(empty, "");
    expect(await refusal(empty)).toMatch(/is not a SQLite database/);
    expect(await refusal(path.join(dir, "missing.db"))).toBe(
      `Cannot read ${path.join(dir, "missing.db")}: no such file`,
    );
    expect(await refusal(dir)).toBe(`Cannot read ${dir}: it is a directory`);
    const through = path.join(text, "minitwit.db");
    expect(await refusal(through)).toBe(`Cannot read ${through}: a part of the path is not a directory`);
  });

  it.skipIf(process.getuid?.() === 0)("refuses a file it may not read", async () => {
    const locked = file("locked.db", { users });
    await chmod(locked, 0o000);
    expect(await refusal(locked)).toBe(`Cannot read ${locked}: permission denied`);
  });

  it("refuses a SQLite file without the original's tables or columns", async () => {
    const other = await sqlite("other.db", "create table notes (id integer primary key, body text);");
    expect(await refusal(other)).toBe(
      `${other} is a SQLite database but not an original MiniTwit one: it has no \`user\`, \`follower\`, \`message\` tables (expected user, follower and message)`,
    );
    const partial = await sqlite(
      "partial.db",
      "create table user (user_id integer primary key, username string, email string, pw_hash string); create table message (message_id integer primary key, author_id integer, text string, pub_date integer, flagged integer);",
    );
    expect(await refusal(partial)).toMatch(/has no `follower` table \(/);
    const columns = await sqlite(
      "columns.db",
      "create table user (user_id integer primary key, username string, email string, pw_hash string); create table follower (who_id integer, whom_id integer); create table message (message_id integer primary key, author_id integer, text string, pub_date integer);",
    );
    expect(await refusal(columns)).toBe(
      `${columns}: table \`message\` has no column flagged (the original's has message_id, author_id, text, pub_date, flagged)`,
    );
  });

  it("refuses a damaged file before reading any row", async () => {
    const whole = await readFile(
      file("whole.db", {
        users,
        messages: Array.from({ length: 3000 }, (_, i) => ({
          message_id: i + 1,
          author_id: 1,
          text: `message ${i} `.repeat(5),
          pub_date: i,
        })),
      }),
    );
    const pageSize = whole.readUInt16BE(16);
    expect(whole.length / pageSize).toBeGreaterThan(20);

    // Garbage over the middle of one of the message table's pages.
    const damaged = path.join(dir, "damaged.db");
    await writeFile(damaged, Buffer.from(whole).fill(0x5a, pageSize * 10 + 8, pageSize * 10 + 600));
    const message = await refusal(damaged);
    expect(message.startsWith(`${damaged} is damaged (SQLite: `)).toBe(true);
    expect(message).toMatch(
      /\(SQLite: [^)\n]*page[^)\n]*\); nothing was imported\. Restore it from a backup/,
    );

    // Cut short, as by a copy that did not finish.
    const truncated = path.join(dir, "truncated.db");
    await writeFile(truncated, whole.subarray(0, pageSize * 5));
    expect(await refusal(truncated)).toMatch(/is damaged \(SQLite: .+\); nothing was imported/);
  });
});
