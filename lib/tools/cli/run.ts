import { spawn } from "node:child_process";
import path from "node:path";

export type Result = { code: number; stdout: string; stderr: string };

const root = path.resolve(import.meta.dirname, "../../..");

/**
 * Runs a command in the repository's root; throws with its output when it fails, unless `allowFail`.
 * The output is decoded as UTF-8 across chunk boundaries (a character split between two reads stays
 * whole). With `echo`, the output's lines that start with `[` are printed as they come.
 */
export function run(
  command: string,
  args: string[],
  options: { input?: string; env?: Record<string, string>; allowFail?: boolean; echo?: boolean } = {},
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, DOCKER_BUILDKIT: "0", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let partial = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdout += chunk;
      if (options.echo) {
        const lines = (partial + chunk).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) if (line.startsWith("[")) console.log(line);
      }
    });
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (options.echo && partial.startsWith("[")) console.log(partial);
      const result = { code: code ?? 1, stdout, stderr };
      if (result.code !== 0 && !options.allowFail) {
        reject(new Error(`${command} ${args.join(" ")} exited ${result.code}\n${stdout}${stderr}`.trim()));
      } else {
        resolve(result);
      }
    });
    child.stdin.end(options.input ?? "");
  });
}
