import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

type Stage = { from: string; name: string | undefined; lines: string[] };

/** The Dockerfile's global ARG defaults and its stages, continuation lines joined, comments dropped. */
function parseDockerfile(): { args: Map<string, string>; stages: Stage[] } {
  const text = readFileSync(path.join(import.meta.dirname, "Dockerfile"), "utf8").replace(/\\\n/g, " ");
  const lines = text.split("\n").filter((line) => line.trim() !== "" && !line.trim().startsWith("#"));
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      stages.push({ from: from[1]!, name: from[2], lines: [line] });
    } else if (stages.length === 0) {
      const arg = /^ARG\s+(\w+)=(\S+)/.exec(line);
      if (arg)
        args.set(
          arg[1]!,
          arg[2]!.replace(/\$\{(\w+)\}/g, (_, name: string) => args.get(name) ?? ""),
        );
    } else {
      stages.at(-1)!.lines.push(line);
    }
  }
  return { args, stages };
}

/** A stage's instructions with those of the stages it is built FROM, nearest last. */
function resolved(stages: Stage[], stage: Stage): string[] {
  const parent = stages.find((candidate) => candidate.name === stage.from);
  return parent ? [...resolved(stages, parent), ...stage.lines] : stage.lines;
}

const { args, stages } = parseDockerfile();
const runtime = stages.at(-1)!;
const prebuilt = stages.find((stage) => stage.name === "prebuilt")!;

describe("the image's signals", () => {
  // Docker and Swarm send SIGTERM (then SIGKILL) to the container's PID 1. Exec-form `node …` makes
  // the server itself PID 1; a shell form or `npm start` would put a process in between that does not
  // relay signals (sh) or cannot relay SIGKILL (npm), and the server would never drain.
  it.each([
    ["runtime (the default target)", runtime],
    ["prebuilt", prebuilt],
  ])(
    "%s runs the server itself as PID 1: exec-form CMD `node dist/server.mjs`, no entrypoint",
    (_, stage) => {
      const lines = resolved(stages, stage);
      const cmds = lines.filter((line) => /^CMD\s/i.test(line));
      expect(cmds.at(-1)).toBe('CMD ["node", "dist/server.mjs"]');
      expect(lines.some((line) => /^ENTRYPOINT\s/i.test(line))).toBe(false);
      expect(lines).toContain("STOPSIGNAL SIGTERM");
      expect(lines.filter((line) => /^USER\s/i.test(line)).at(-1)).toBe("USER node");
      expect(lines.some((line) => /^HEALTHCHECK\s.*docker\/healthcheck\.mjs/.test(line))).toBe(true);
    },
  );
});

describe("one Dockerfile for GitHub and for local base images", () => {
  it("takes the base image as a build argument, by default the official Node.js 24 slim image", () => {
    expect(args.get("BASE_IMAGE")).toMatch(/^node:24\.\d+\.\d+-bookworm-slim$/);
    for (const stage of stages.filter((candidate) => !stages.some((s) => s.name === candidate.from))) {
      expect(stage.from).toBe("${BASE_IMAGE}");
    }
  });

  // The classic builder (no BuildKit) runs every stage up to the target: `--target prebuilt` must
  // not pass through npm ci, which cannot reach the registry from inside a build there.
  it("builds from an assembled runtime folder as the first stages, without npm", () => {
    const upToPrebuilt = stages.slice(0, stages.indexOf(prebuilt) + 1);
    expect(upToPrebuilt.flatMap((stage) => stage.lines).join("\n")).not.toMatch(/\bnpm\b|\bnpx\b/);
    expect(prebuilt.lines).toContain("COPY --chown=node:node . ./");
    // Both targets share one base stage, so they differ only in where the files come from.
    expect(runtime.from).toBe(prebuilt.from);
  });
});
