import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import initSqlJs, { type Database, type SqlValue } from "sql.js";

/**
 * A file the importer refuses or cannot read, or an import it had to give up (rolled back): the
 * message says which and why, for the operator as it is.
 */
export class LegacyImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LegacyImportError";
  }
}

export type LegacyUser = {
  userId: number;
  username: string | null;
  email: string | null;
  pwHash: string | null;
};
export type LegacyFollow = { who: SqlValue; whom: SqlValue };
export type LegacyMessage = {
  messageId: number;
  authorId: SqlValue;
  text: string | null;
  pubDate: SqlValue;
  flagged: SqlValue;
};

/** The original's schema (minitwit.py's schema.sql): the columns the importer reads. */
export const LEGACY_SCHEMA = {
  user: ["user_id", "username", "email", "pw_hash"],
  follower: ["who_id", "whom_id"],
  message: ["message_id", "author_id", "text", "pub_date", "flagged"],
} as const;

const SQLITE_HEADER = Buffer.from("SQLite format 3\0", "latin1");
// fs.readFile's own limit; sql.js holds the whole file in WebAssembly memory besides.
const MAX_FILE_BYTES = 2 ** 31 - 1;
const BATCH_ROWS = 10_000;

export type LegacySource = {
  file: string;
  /** SHA-256 of the file's bytes, hex. */
  fingerprint: string;
  bytes: number;
  counts: { users: number; follows: number; messages: number };
  users(): LegacyUser[];
  follows(): Generator<LegacyFollow[]>;
  /** Every message in rowid order, in batches. */
  messages(): Generator<LegacyMessage[]>;
  /**
   * Message ids in the order the original's public timeline listed them (its own query, run by
   * SQLite on the file): ties between equal publication times come out as the original showed them.
   * Messages whose author is not in the user table are left out (the original's join dropped them).
   */
  publicTimelineOrder(): number[];
  close(): void;
};

function describeReadError(file: string, error: unknown): LegacyImportError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === "ENOENT"
      ? "no such file"
      : code === "EISDIR"
        ? "it is a directory"
        : code === "ENOTDIR"
          ? "a part of the path is not a directory"
          : code === "EACCES" || code === "EPERM"
            ? "permission denied"
            : (error as Error).message;
  return new LegacyImportError(`Cannot read ${file}: ${reason}`);
}

/** SQLite reports a damaged file as these codes; anything else is not the file's fault. */
function isDamage(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === "SQLITE_CORRUPT" || code === "SQLITE_NOTADB";
}

function damaged(file: string, detail: string): LegacyImportError {
  return new LegacyImportError(
    `${file} is damaged (SQLite: ${detail}); nothing was imported. Restore it from a backup, or recover what SQLite can read with \`sqlite3 ${file} .recover\``,
  );
}

/** Runs `read` on the open file, turning SQLite's corruption errors into one clear message. */
function guard<T>(file: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (isDamage(error)) throw damaged(file, (error as Error).message);
    throw error;
  }
}

function text(value: SqlValue | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

let sqlJs: ReturnType<typeof initSqlJs> | undefined;

/**
 * Opens an original MiniTwit SQLite file read-only (SQLite compiled to WebAssembly, on a copy in
 * memory: the file itself is never written), after checking that it is one: a readable SQLite file,
 * not damaged, with the original's tables and columns. Each refusal is a LegacyImportError.
 */
export async function openLegacyDatabase(file: string): Promise<LegacySource> {
  let size: number;
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw Object.assign(new Error("directory"), { code: "EISDIR" });
    size = info.size;
  } catch (error) {
    throw describeReadError(file, error);
  }
  if (size > MAX_FILE_BYTES) {
    throw new LegacyImportError(`${file} is ${size} bytes: the importer reads files of up to 2 GiB`);
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw describeReadError(file, error);
  }
  if (bytes.length < 100 || !bytes.subarray(0, 16).equals(SQLITE_HEADER)) {
    throw new LegacyImportError(`${file} is not a SQLite database (it does not start with SQLite's header)`);
  }
  const fingerprint = createHash("sha256").update(bytes).digest("hex");
  // Byte 18 is 2 in WAL mode: recent commits may still sit in the -wal file beside it, which a copy
  // of the main file alone would silently lose.
  if (bytes[18] === 2) {
    const wal = await stat(`${file}-wal`).then(
      (info) => info.size,
      () => 0,
    );
    if (wal > 0) {
      throw new LegacyImportError(
        `${file} has changes in ${file}-wal that are not in the file yet: stop the original app, or run \`sqlite3 ${file} "PRAGMA wal_checkpoint(TRUNCATE)"\`, then import again`,
      );
    }
    // Read as a rollback-journal database: with no WAL content the two are the same file, and the
    // in-memory copy has no shared memory for WAL mode.
    bytes = Buffer.from(bytes);
    bytes[18] = 1;
    bytes[19] = 1;
  }

  sqlJs ??= initSqlJs();
  const SQL = await sqlJs;
  let db: Database;
  try {
    db = new SQL.Database(bytes);
  } catch (error) {
    if (isDamage(error)) throw damaged(file, (error as Error).message);
    throw error;
  }
  try {
    return describeSource(file, fingerprint, size, db);
  } catch (error) {
    db.close();
    throw error;
  }
}

function describeSource(file: string, fingerprint: string, size: number, db: Database): LegacySource {
  const all = (sql: string): SqlValue[][] => guard(file, () => db.exec(sql)[0]?.values ?? []);

  // quick_check reads every page of every table and index: a damaged page fails here, before
  // anything is written, not halfway through the import.
  const problems = all("PRAGMA quick_check(3)")
    .flatMap((row) => String(row[0]).split("\n"))
    .filter((line) => line !== "" && !line.startsWith("***"));
  if (problems.length !== 1 || problems[0] !== "ok") throw damaged(file, problems.join("; "));

  const tables = new Set(
    all("SELECT lower(name) FROM sqlite_master WHERE type = 'table'").map((row) => String(row[0])),
  );
  const missingTables = Object.keys(LEGACY_SCHEMA).filter((table) => !tables.has(table));
  if (missingTables.length > 0) {
    throw new LegacyImportError(
      `${file} is a SQLite database but not an original MiniTwit one: it has no ${missingTables.map((t) => `\`${t}\``).join(", ")} table${missingTables.length > 1 ? "s" : ""} (expected user, follower and message)`,
    );
  }
  for (const [table, expected] of Object.entries(LEGACY_SCHEMA)) {
    const columns = new Set(all(`PRAGMA table_info("${table}")`).map((row) => String(row[1]).toLowerCase()));
    const missing = expected.filter((column) => !columns.has(column));
    if (missing.length > 0) {
      throw new LegacyImportError(
        `${file}: table \`${table}\` has no column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (the original's has ${expected.join(", ")})`,
      );
    }
  }

  const count = (table: string) => Number(all(`SELECT count(*) FROM "${table}"`)[0]?.[0] ?? 0);
  const counts = { users: count("user"), follows: count("follower"), messages: count("message") };

  function* batches<T>(sql: string, toRow: (values: SqlValue[]) => T): Generator<T[]> {
    const statement = guard(file, () => db.prepare(sql));
    try {
      let batch: T[] = [];
      while (guard(file, () => statement.step())) {
        batch.push(toRow(statement.get()));
        if (batch.length === BATCH_ROWS) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    } finally {
      statement.free();
    }
  }

  return {
    file,
    fingerprint,
    bytes: size,
    counts,
    users() {
      // CAST AS TEXT: `string` columns have NUMERIC affinity in SQLite, so a name like "42" is stored
      // as an integer; SQLite's own text of it is what the original showed.
      const users: LegacyUser[] = [];
      for (const batch of batches(
        `SELECT user_id, CAST(username AS TEXT), CAST(email AS TEXT), CAST(pw_hash AS TEXT) FROM "user" ORDER BY user_id`,
        (row) => ({
          userId: Number(row[0]),
          username: text(row[1]),
          email: text(row[2]),
          pwHash: text(row[3]),
        }),
      )) {
        users.push(...batch);
      }
      return users;
    },
    follows() {
      return batches(`SELECT who_id, whom_id FROM follower ORDER BY rowid`, (row) => ({
        who: row[0] ?? null,
        whom: row[1] ?? null,
      }));
    },
    messages() {
      return batches(
        `SELECT message_id, author_id, CAST(text AS TEXT), pub_date, flagged FROM message ORDER BY message_id`,
        (row) => ({
          messageId: Number(row[0]),
          authorId: row[1] ?? null,
          text: text(row[2]),
          pubDate: row[3] ?? null,
          flagged: row[4] ?? null,
        }),
      );
    },
    publicTimelineOrder() {
      // The original's public timeline query without its flag filter and limit (flagged messages keep
      // their place for when they are unflagged). SQLite's plan decides the order of ties, so its
      // answer on this very file is the reference.
      const ids: number[] = [];
      for (const batch of batches(
        `SELECT message.message_id FROM message, user WHERE message.author_id = user.user_id ORDER BY message.pub_date DESC`,
        (row) => Number(row[0]),
      )) {
        for (const id of batch) ids.push(id);
      }
      return ids;
    },
    close() {
      db.close();
    },
  };
}
