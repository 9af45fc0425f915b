import { describe, expect, it } from "vitest";
import { parseSeedArgs } from "./seed-args";

describe("npm run seed arguments", () => {
  it("defaults to a few hundred users and thousands of actions over weeks, not forced", () => {
    expect(parseSeedArgs([])).toEqual({
      kind: "seed",
      options: { users: 300, actions: 9000, weeks: 6, seed: 1, force: false },
    });
  });

  it("takes every option", () => {
    expect(
      parseSeedArgs(["--users", "20", "--actions", "400", "--weeks", "2", "--seed", "7", "--force"]),
    ).toEqual({
      kind: "seed",
      options: { users: 20, actions: 400, weeks: 2, seed: 7, force: true },
    });
  });

  it.each([
    [["--users", "0"], /--users must be an integer from 1/],
    [["--users", "1.5"], /--users must be an integer/],
    [["--weeks=-1"], /--weeks must be an integer/],
    [["--actions", "abc"], /--actions must be an integer/],
    [["--users", "500", "--actions", "100"], /--actions \(100\) must be at least --users \(500\)/],
    [["--unknown"], /Unknown option/],
    [["extra"], /Unexpected argument|positional/i],
  ])("refuses %j", (argv, message) => {
    const command = parseSeedArgs(argv);
    expect(command.kind).toBe("error");
    expect(command.kind === "error" && command.message).toMatch(message);
  });

  it("prints help", () => {
    expect(parseSeedArgs(["--help"])).toEqual({ kind: "help" });
  });
});
