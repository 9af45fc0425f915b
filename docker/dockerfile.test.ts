import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** The instructions of the Dockerfile's last stage (the image that runs), continuation lines joined. */
function runtimeStage(): string[] {
  const text = readFileSync(path.join(import.meta.dirname, "Dockerfile"), "utf8").replace(/\\\n/g, " ");
  const lines = text.split("\n").filter((line) => line.trim() !== "" && !line.trim().startsWith("#"));
  const lastFrom = lines.map((line) => /^FROM\s/i.test(line)).lastIndexOf(true);
  return lines.slice(lastFrom);
}

describe("the image's signals", () => {
  // Docker and Swarm send SIGTERM (then SIGKILL) to the container's PID 1. Exec-form `node …` makes
  // the server itself PID 1; a shell form or `npm start` would put a process in between that does not
  // relay signals (sh) or cannot relay SIGKILL (npm), and the server would never drain.
  it("runs the server itself as PID 1: exec-form CMD `node dist/server.mjs`, no entrypoint", () => {
    const stage = runtimeStage();
    const cmds = stage.filter((line) => /^CMD\s/i.test(line));
    expect(cmds.at(-1)).toBe('CMD ["node", "dist/server.mjs"]');
    expect(stage.some((line) => /^ENTRYPOINT\s/i.test(line))).toBe(false);
    expect(stage).toContain("STOPSIGNAL SIGTERM");
  });
});
