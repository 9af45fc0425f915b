import { describe, expect, it } from "vitest";
import { parseImportArgs } from "./args";

describe("parseImportArgs", () => {
  it("takes one file and the two options, in any order", () => {
    expect(parseImportArgs(["minitwit.db"])).toEqual({
      kind: "run",
      file: "minitwit.db",
      dryRun: false,
      renameCollisions: false,
    });
    expect(parseImportArgs(["--rename-collisions", "a.db", "--dry-run"])).toEqual({
      kind: "run",
      file: "a.db",
      dryRun: true,
      renameCollisions: true,
    });
    expect(parseImportArgs(["--", "--odd-name.db"])).toMatchObject({ kind: "run", file: "--odd-name.db" });
    expect(parseImportArgs(["-h"])).toEqual({ kind: "help" });
  });

  it("refuses no file, two files and unknown options", () => {
    expect(parseImportArgs([])).toEqual({
      kind: "error",
      message: "Name the MiniTwit database file to import",
    });
    expect(parseImportArgs(["a.db", "b.db"])).toEqual({
      kind: "error",
      message: "One file at a time, got 2",
    });
    expect(parseImportArgs(["a.db", "--dryrun"])).toEqual({
      kind: "error",
      message: "Unknown option --dryrun",
    });
  });
});
