import { execFileSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * Original MiniTwit databases and Werkzeug password hashes for tests, made by the real thing:
 * `make_minitwit_db.py` writes the original's schema with Python's sqlite3 and hashes passwords with
 * Werkzeug's generate_password_hash (Debian's python3-werkzeug).
 */

const SCRIPT = path.join(import.meta.dirname, "make_minitwit_db.py");

export type LegacyUserSpec = { user_id: number; username: string; email: string } & (
  { password: string; method?: string } | { pw_hash: string }
);

export type LegacyMessageSpec = {
  message_id: number;
  author_id: number;
  text: string;
  pub_date: number | string | null;
  flagged?: number | null;
};

export type LegacyDatabaseSpec = {
  users?: LegacyUserSpec[];
  follows?: [who: number | null, whom: number | null][];
  messages?: LegacyMessageSpec[];
  /** `wal`: WAL mode, closed cleanly; `wal-open`: the messages left in the -wal file, as by a running app. */
  journal?: "wal" | "wal-open";
};

function python(args: string[], input: unknown): string {
  const text = typeof input === "string" ? input : JSON.stringify(input);
  return execFileSync("python3", [SCRIPT, ...args], { input: text, encoding: "utf8" });
}

/** Any SQLite file, from a script of SQL statements. */
export function writeSqlite(file: string, script: string): void {
  python(["--sql", file], script);
}

/** Writes `spec` as an original MiniTwit SQLite file at `file`. */
export function writeMinitwitDatabase(file: string, spec: LegacyDatabaseSpec): void {
  python([file], spec);
}

/** Werkzeug's `generate_password_hash(password, method)` for each pair, in one Python process. */
export function werkzeugHashes(pairs: [password: string, method: string][]): string[] {
  return JSON.parse(python(["--hash"], pairs)) as string[];
}

/** The original's public, home (for a user) and user timelines of `file`, as message ids, newest first. */
export function originalTimelines(
  file: string,
  userId: number,
): { public: number[]; home: number[]; user: number[] } {
  return JSON.parse(
    execFileSync("python3", [SCRIPT, "--timelines", file, String(userId)], { encoding: "utf8" }),
  ) as { public: number[]; home: number[]; user: number[] };
}

/**
 * A small original MiniTwit database with what an import must handle: both Werkzeug hash formats
 * (scrypt, pbkdf2:sha256, and the older pbkdf2:sha1), more than a page of messages with equal
 * publication times across authors, a NULL publication time, flagged messages (1, and NULL, which
 * the original hid too), a message by an author not in the file, duplicate and dangling follows.
 * Usernames end in `suffix`, so that several imports can share one database.
 */
export function exampleMinitwit(suffix: string) {
  const names = {
    alice: `alice${suffix}`,
    bob: `bob${suffix}`,
    carol: `carol${suffix}`,
    dave: `Dave${suffix}`,
  };
  const passwords = {
    alice: "alice's secret, 😀",
    bob: "bob-password-2019",
    carol: "carol pw",
    dave: "dave pw",
  };
  const users: LegacyUserSpec[] = [
    {
      user_id: 1,
      username: names.alice,
      email: "alice@example.org",
      password: passwords.alice,
      method: "scrypt",
    },
    { user_id: 2, username: names.bob, email: "bob@example.org", password: passwords.bob, method: "pbkdf2" },
    {
      user_id: 3,
      username: names.carol,
      email: "carol@example.org",
      password: passwords.carol,
      method: "pbkdf2:sha1:50000",
    },
    {
      user_id: 4,
      username: names.dave,
      email: "dave@example.org",
      password: passwords.dave,
      method: "scrypt:16384:8:1",
    },
  ];
  const base = 1_600_000_000;
  const messages: LegacyMessageSpec[] = [];
  // 40 messages, two of every three sharing their second with another author's.
  for (let i = 1; i <= 40; i++) {
    messages.push({
      message_id: i,
      author_id: ((i - 1) % 3) + 1,
      text: `message ${i} by user ${((i - 1) % 3) + 1} <b>not bold</b>`,
      pub_date: base + Math.floor(i / 3) * 60,
      flagged: 0,
    });
  }
  messages.push(
    {
      message_id: 41,
      author_id: 2,
      text: "flagged by the original's flag tool",
      pub_date: base + 5000,
      flagged: 1,
    },
    {
      message_id: 42,
      author_id: 1,
      text: "written with no flag at all",
      pub_date: base + 5100,
      flagged: null,
    },
    { message_id: 43, author_id: 1, text: "written with no publication time", pub_date: null, flagged: 0 },
    { message_id: 44, author_id: 99, text: "by a user who was deleted", pub_date: base + 5200, flagged: 0 },
    { message_id: 45, author_id: 4, text: "dave's only message", pub_date: base + 90, flagged: 0 },
  );
  const follows: LegacyDatabaseSpec["follows"] = [
    [1, 2],
    [1, 2],
    [1, 3],
    [2, 1],
    [1, 99],
    [98, 2],
    [null, 1],
  ];
  return { spec: { users, messages, follows } satisfies LegacyDatabaseSpec, names, passwords };
}

/**
 * One file of each kind the importer must refuse, in `dir`, with the start of the message it gives:
 * not SQLite, SQLite without the original's tables, a table missing a column, a damaged page, and
 * paths that cannot be read (none there, a directory).
 */
export async function badMinitwitFiles(
  dir: string,
): Promise<{ kind: string; file: string; message: RegExp }[]> {
  await mkdir(dir, { recursive: true });
  const at = (name: string) => path.join(dir, name);
  const escaped = (file: string) => file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

  await writeFile(at("notes.txt"), "user_id,username,email\n1,alice,alice@example.org\n");
  writeSqlite(at("other.db"), "create table notes (id integer primary key, body text);");
  writeSqlite(
    at("columns.db"),
    `create table user (user_id integer primary key autoincrement, username string not null, email string not null, pw_hash string not null);
     create table follower (who_id integer, whom_id integer);
     create table message (message_id integer primary key autoincrement, author_id integer not null, text string not null, pub_date integer);`,
  );
  const whole = at("whole.db");
  writeMinitwitDatabase(whole, {
    users: [{ user_id: 1, username: "alice", email: "a@x", pw_hash: "x" }],
    messages: Array.from({ length: 3000 }, (_, i) => ({
      message_id: i + 1,
      author_id: 1,
      text: `message ${i} `.repeat(5),
      pub_date: i,
    })),
  });
  const bytes = await readFile(whole);
  const pageSize = bytes.readUInt16BE(16);
  // Garbage over the middle of one of the message table's pages.
  await writeFile(at("damaged.db"), bytes.fill(0x5a, pageSize * 10 + 8, pageSize * 10 + 600));

  return [
    { kind: "not SQLite", file: at("notes.txt"), message: /is not a SQLite database/ },
    {
      kind: "no MiniTwit tables",
      file: at("other.db"),
      message: /is a SQLite database but not an original MiniTwit one/,
    },
    { kind: "a missing column", file: at("columns.db"), message: /table `message` has no column flagged/ },
    { kind: "a damaged page", file: at("damaged.db"), message: /is damaged \(SQLite: .*page/ },
    {
      kind: "no such file",
      file: at("nowhere/minitwit.db"),
      message: new RegExp(`^Cannot read ${escaped(at("nowhere/minitwit.db"))}: no such file`),
    },
    {
      kind: "a directory",
      file: dir,
      message: new RegExp(`^Cannot read ${escaped(dir)}: it is a directory`),
    },
  ];
}
