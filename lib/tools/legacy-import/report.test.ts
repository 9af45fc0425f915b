import { describe, expect, it } from "vitest";
import type { ImportReport } from "./import";
import { planUsers } from "./plan";
import { formatOutcome } from "./report";

const source = { file: "minitwit.db", fingerprint: "ab".repeat(32), bytes: 2_500_000 };
const TARGET = "PostgreSQL at db:5432/minitwit";

function report(overrides: Partial<ImportReport> = {}): ImportReport {
  const plan = planUsers(
    [
      { userId: 1, username: "Dave", email: "d@x", pwHash: `scrypt:32768:8:1$s$${"ab".repeat(64)}` },
      { userId: 2, username: "eve", email: "e@x", pwHash: "md5-something" },
    ],
    ["dave"],
  );
  return {
    source,
    dryRun: false,
    importTime: new Date("2026-12-01T10:00:00Z"),
    users: { total: 2, imported: 2, plan },
    follows: { total: 10, imported: 7, duplicates: 2, dangling: 1 },
    messages: {
      total: 1_000_001,
      imported: 1_000_000,
      hidden: 3,
      unusualFlags: 1,
      unknownAuthor: 1,
      withoutText: 0,
      nulRemoved: 1,
      missingPubDate: 2,
      unreadablePubDate: 0,
    },
    seconds: { users: 0.1, follows: 0.2, messages: 12.3 },
    wouldRefuse: null,
    ...overrides,
  };
}

describe("formatOutcome", () => {
  it("reports what was imported, dropped, renamed and kept", () => {
    const { text, exitCode } = formatOutcome({ kind: "imported", report: report() }, TARGET, {
      renameCollisions: true,
    });
    expect(exitCode).toBe(0);
    expect(text).toBe(
      [
        `Imported minitwit.db into ${TARGET}.`,
        `  file:     2.4 MiB, sha256 ${"ab".repeat(32)}`,
        "  users:    2 of 2 imported (1 renamed)",
        "  follows:  7 of 10 imported; dropped 2 duplicates, 1 naming a user not in the file",
        "  messages: 1,000,000 of 1,000,001 imported (3 flagged, hidden as before, 1 of them with a flag other than 0 or 1, which the original hid too); dropped 1 by an author not in the file",
        "  publication times: 2 missing, set to the import time 2026-12-01 10:00:00 UTC",
        "  password hashes: 1 scrypt; kept, and replaced with argon2id at each user's first sign-in",
        "  warning: 1 user has a password hash Minitwit cannot verify (1 unsupported): they are imported but cannot sign in",
        "  texts: 1 message held NUL characters, which PostgreSQL cannot store: they were removed",
        "  renamed (colliding usernames):",
        '    "Dave" -> "Dave_2": the existing user "dave"',
        "Done in 12.6 s.",
      ].join("\n"),
    );
  });

  it("says what would stop a real run, in a dry run", () => {
    const plan = report().users.plan;
    const { text, exitCode } = formatOutcome(
      {
        kind: "dry-run",
        report: report({
          dryRun: true,
          wouldRefuse: { collisions: plan.collisions, invalid: [] },
        }),
      },
      TARGET,
    );
    expect(exitCode).toBe(0);
    expect(text).toContain(`Dry run: minitwit.db into ${TARGET}. Nothing was written.`);
    expect(text).toContain("  users:    2 of 2 would be imported\n");
    expect(text).toContain(
      [
        "A real run would import nothing:",
        "  1 username collides (compared case-insensitively):",
        '    "Dave" (user_id 1): the existing user "dave"',
        '  Rename them in the file, or run again with --rename-collisions to import them as "Dave_2".',
      ].join("\n"),
    );
  });

  it("lists what stops the import, and fails", () => {
    const { text, exitCode } = formatOutcome(
      {
        kind: "refused",
        source,
        refusal: {
          collisions: [],
          invalid: [{ legacyId: 4, username: "bell\u0007", problem: "it contains control characters" }],
        },
      },
      TARGET,
    );
    expect(exitCode).toBe(1);
    expect(text).toBe(
      [
        "Nothing was imported from minitwit.db:",
        "1 user cannot be imported as it is:",
        '  "bell\\u0007" (user_id 4): it contains control characters',
        `Fix them in the file (sqlite3 FILE "UPDATE user SET username = '...' WHERE user_id = ..."), then run again.`,
      ].join("\n"),
    );
  });

  it("says a file imported before has nothing to do", () => {
    const { text, exitCode } = formatOutcome(
      {
        kind: "already-imported",
        source,
        previous: {
          importedAt: new Date("2026-11-30T08:00:00Z"),
          fileName: "/srv/minitwit.db",
          users: 1,
          follows: 0,
          messages: 5,
        },
      },
      TARGET,
    );
    expect(exitCode).toBe(0);
    expect(text).toBe(
      `minitwit.db was already imported into ${TARGET} on 2026-11-30 08:00:00 UTC (1 user, 0 follows, 5 messages, from /srv/minitwit.db): nothing to do.`,
    );
  });
});
