import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const script = path.join(__dirname, "next-version.sh");
const repos: string[] = [];

function repo(commits: string[], tagAfter?: { index: number; tag: string }): string {
  const dir = mkdtempSync(path.join(tmpdir(), "next-version-"));
  repos.push(dir);
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
      cwd: dir,
      stdio: "pipe",
    });
  git("init", "-q");
  commits.forEach((message, index) => {
    git("commit", "-q", "--allow-empty", "-m", message);
    if (tagAfter?.index === index) git("tag", tagAfter.tag);
  });
  return dir;
}

const nextVersion = (dir: string) =>
  execFileSync("bash", [script], { cwd: dir, stdio: "pipe" }).toString().trim();

afterEach(() => {
  for (const dir of repos.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("next-version.sh", () => {
  it("bumps patch for fixes and chores after the last tag", () => {
    const dir = repo(["feat: old", "fix: a", "chore: b"], { index: 0, tag: "v1.4.2" });
    expect(nextVersion(dir)).toBe("1.4.3");
  });

  it("bumps minor for a feature since the tag, ignoring features before it", () => {
    const dir = repo(["feat: before", "fix: a", "feat(sim): paging"], { index: 0, tag: "v1.4.2" });
    expect(nextVersion(dir)).toBe("1.5.0");
  });

  it("bumps major for a breaking change, by marker or footer", () => {
    expect(nextVersion(repo(["init", "feat(api)!: drop v1"], { index: 0, tag: "v1.4.2" }))).toBe("2.0.0");
    expect(
      nextVersion(repo(["init", "fix: x\n\nBREAKING CHANGE: renamed env"], { index: 0, tag: "v1.4.2" })),
    ).toBe("2.0.0");
  });

  it("starts from 0.0.0 without a tag", () => {
    expect(nextVersion(repo(["chore: init", "feat: first"]))).toBe("0.1.0");
  });

  it("fails when nothing was committed since the last tag", () => {
    const dir = repo(["feat: x"], { index: 0, tag: "v0.1.0" });
    expect(() => nextVersion(dir)).toThrow();
  });
});
