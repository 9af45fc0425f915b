import path from "node:path";

/**
 * The command that runs a TypeScript entry point as this Node.js binary itself, with tsx as a loader
 * (`node --import tsx script.ts`). Not the `tsx` command: that runs the script in a child `node`
 * and relays SIGTERM and SIGINT, but SIGKILL cannot be relayed, so killing the wrapper would leave
 * the real program running. Whoever signals a process started this way signals the program.
 */
export function tsEntry(script: string, args: readonly string[] = []): [command: string, args: string[]] {
  return [process.execPath, ["--import", "tsx", script, ...args]];
}

/**
 * When this process was started with `script` (a file name, as `node --import tsx lib/…/<script>`
 * does), runs `main` with the command line's arguments and exits with its code; an error is printed
 * (as `describe` shows it) and exits 1. Importing the module from elsewhere runs nothing.
 */
export function runWhenEntry(
  script: string,
  main: (argv: string[]) => Promise<number>,
  describe: (error: unknown) => unknown = (error) => error,
): void {
  if (path.basename(process.argv[1] ?? "") !== script) return;
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(describe(error));
      process.exit(1);
    },
  );
}
