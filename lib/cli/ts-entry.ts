/**
 * The command that runs a TypeScript entry point as this Node.js binary itself, with tsx as a loader
 * (`node --import tsx script.ts`). Not the `tsx` command: that runs the script in a child `node`
 * and relays SIGTERM and SIGINT, but SIGKILL cannot be relayed, so killing the wrapper would leave
 * the real program running. Whoever signals a process started this way signals the program.
 */
export function tsEntry(script: string, args: readonly string[] = []): [command: string, args: string[]] {
  return [process.execPath, ["--import", "tsx", script, ...args]];
}
