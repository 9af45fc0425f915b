import type { ImportOutcome, ImportReport, Refusal } from "./import";
import type { Collision } from "./plan";

/** What the command prints for an outcome, and how it exits. */
export type FormattedOutcome = { text: string; exitCode: 0 | 1 };

const SAMPLE = 20;

function n(value: number): string {
  return value.toLocaleString("en-US");
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${n(count)} ${count === 1 ? one : many}`;
}

function utc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

function size(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Names as JSON strings, so that control characters and surrounding spaces show. */
function name(username: string | null): string {
  return username === null ? "(no name)" : JSON.stringify(username);
}

function collidesWith(collision: Collision): string {
  switch (collision.with.kind) {
    case "existing":
      return `the existing user ${name(collision.with.username)}`;
    case "file":
      return `user_id ${collision.with.legacyId} of the file`;
    case "reserved":
      return "a name Minitwit uses for its own pages";
  }
}

function sample<T>(items: readonly T[], line: (item: T) => string): string[] {
  const lines = items.slice(0, SAMPLE).map((item) => `  ${line(item)}`);
  if (items.length > SAMPLE) lines.push(`  ... and ${n(items.length - SAMPLE)} more`);
  return lines;
}

/** The reasons a real run stops, each with what to do about it. */
function refusalLines(refusal: Refusal, renameCollisions: boolean): string[] {
  const lines: string[] = [];
  if (refusal.invalid.length > 0) {
    lines.push(
      `${plural(refusal.invalid.length, "user")} cannot be imported as ${refusal.invalid.length === 1 ? "it is" : "they are"}:`,
      ...sample(
        refusal.invalid,
        (user) => `${name(user.username)} (user_id ${user.legacyId}): ${user.problem}`,
      ),
      `Fix them in the file (sqlite3 FILE "UPDATE user SET username = '...' WHERE user_id = ..."), then run again.`,
    );
  }
  if (refusal.collisions.length > 0 && !renameCollisions) {
    lines.push(
      `${plural(refusal.collisions.length, "username collides", "usernames collide")} (compared case-insensitively):`,
      ...sample(refusal.collisions, (c) => `${name(c.username)} (user_id ${c.legacyId}): ${collidesWith(c)}`),
      `Rename them in the file, or run again with --rename-collisions to import them as ${refusal.collisions
        .slice(0, 3)
        .map((c) => name(c.renamedTo))
        .join(", ")}${refusal.collisions.length > 3 ? ", ..." : ""}.`,
    );
  }
  return lines;
}

function reportLines(report: ImportReport, target: string, renameCollisions: boolean): string[] {
  const { users, follows, messages } = report;
  const would = report.dryRun ? "would be imported" : "imported";
  const lines = [
    report.dryRun
      ? `Dry run: ${report.source.file} into ${target}. Nothing was written.`
      : `Imported ${report.source.file} into ${target}.`,
    `  file:     ${size(report.source.bytes)}, sha256 ${report.source.fingerprint}`,
  ];
  const renamed = renameCollisions ? users.plan.collisions.length : 0;
  lines.push(
    `  users:    ${n(users.imported)} of ${n(users.total)} ${would}${renamed > 0 ? ` (${n(renamed)} renamed)` : ""}`,
  );
  const followDrops = [
    follows.duplicates > 0 ? plural(follows.duplicates, "duplicate") : null,
    follows.dangling > 0 ? `${n(follows.dangling)} naming a user not in the file` : null,
  ].filter((part) => part !== null);
  lines.push(
    `  follows:  ${n(follows.imported)} of ${n(follows.total)} ${would}${followDrops.length > 0 ? `; dropped ${followDrops.join(", ")}` : ""}`,
  );
  const messageDrops = [
    messages.unknownAuthor > 0 ? `${n(messages.unknownAuthor)} by an author not in the file` : null,
    messages.withoutText > 0 ? `${n(messages.withoutText)} without text` : null,
  ].filter((part) => part !== null);
  const hidden =
    messages.hidden > 0
      ? ` (${n(messages.hidden)} flagged, hidden as before${messages.unusualFlags > 0 ? `, ${n(messages.unusualFlags)} of them with a flag other than 0 or 1, which the original hid too` : ""})`
      : "";
  lines.push(
    `  messages: ${n(messages.imported)} of ${n(messages.total)} ${would}${hidden}${messageDrops.length > 0 ? `; dropped ${messageDrops.join(", ")}` : ""}`,
  );
  const undated = messages.missingPubDate + messages.unreadablePubDate;
  if (undated > 0) {
    const parts = [
      messages.missingPubDate > 0 ? `${n(messages.missingPubDate)} missing` : null,
      messages.unreadablePubDate > 0 ? `${n(messages.unreadablePubDate)} unreadable` : null,
    ].filter((part) => part !== null);
    lines.push(`  publication times: ${parts.join(", ")}, set to the import time ${utc(report.importTime)}`);
  }
  const formats = [...users.plan.hashFormats.entries()].sort((a, b) => b[1] - a[1]);
  const unusable = formats.filter(([format]) => format === "unsupported" || format === "out of bounds");
  const usable = formats.filter(([format]) => format !== "unsupported" && format !== "out of bounds");
  if (usable.length > 0) {
    lines.push(
      `  password hashes: ${usable.map(([format, count]) => `${n(count)} ${format}`).join(", ")}; kept, and replaced with argon2id at each user's first sign-in`,
    );
  }
  if (unusable.length > 0) {
    lines.push(
      `  warning: ${plural(
        unusable.reduce((sum, [, count]) => sum + count, 0),
        "user has a password hash",
        "users have password hashes",
      )} Minitwit cannot verify (${unusable.map(([format, count]) => `${n(count)} ${format}`).join(", ")}): they ${report.dryRun ? "would be" : "are"} imported but cannot sign in`,
    );
  }
  if (messages.nulRemoved > 0) {
    lines.push(
      `  texts: ${plural(messages.nulRemoved, "message")} held NUL characters, which PostgreSQL cannot store: ${report.dryRun ? "they would be" : "they were"} removed`,
    );
  }
  if (users.plan.missingEmails > 0) {
    lines.push(`  emails: ${n(users.plan.missingEmails)} missing, kept empty`);
  }
  if (renamed > 0) {
    lines.push(
      `  renamed (colliding usernames):`,
      ...sample(
        users.plan.collisions,
        (c) => `  ${name(c.username)} -> ${name(c.renamedTo)}: ${collidesWith(c)}`,
      ),
    );
  }
  if (report.wouldRefuse) {
    lines.push(
      "A real run would import nothing:",
      ...refusalLines(report.wouldRefuse, renameCollisions).map((line) => `  ${line}`),
    );
  }
  const total = report.seconds.users + report.seconds.follows + report.seconds.messages;
  lines.push(`${report.dryRun ? "Read" : "Done"} in ${total.toFixed(1)} s.`);
  return lines;
}

/** `target` names the database written to (without credentials). */
export function formatOutcome(
  outcome: ImportOutcome,
  target: string,
  options: { renameCollisions?: boolean } = {},
): FormattedOutcome {
  const renameCollisions = options.renameCollisions ?? false;
  switch (outcome.kind) {
    case "imported":
    case "dry-run":
      return { text: reportLines(outcome.report, target, renameCollisions).join("\n"), exitCode: 0 };
    case "already-imported": {
      const { previous } = outcome;
      return {
        text: `${outcome.source.file} was already imported into ${target} on ${utc(previous.importedAt)} (${plural(previous.users, "user")}, ${plural(previous.follows, "follow")}, ${plural(previous.messages, "message")}, from ${previous.fileName}): nothing to do.`,
        exitCode: 0,
      };
    }
    case "refused":
      return {
        text: [
          `Nothing was imported from ${outcome.source.file}:`,
          ...refusalLines(outcome.refusal, renameCollisions),
        ].join("\n"),
        exitCode: 1,
      };
  }
}
