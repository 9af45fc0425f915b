import { once } from "node:events";
import { readFile } from "node:fs/promises";
import type { Writable } from "node:stream";

/**
 * The course's scenario format: one action per line, tab-separated, no header and no quoting.
 * Columns: action id (sent as `latest`), delay in ms since the previous action, absolute timestamp
 * in ms, command, username, then email / tweet text / target username, and for `register` the
 * password last. Because nothing is quoted, a field can hold quotes and backslashes but never a tab
 * or a line break; serializing such a field would silently shift the columns, so it is refused.
 */

export const COMMANDS = ["register", "tweet", "follow", "unfollow"] as const;
export type Command = (typeof COMMANDS)[number];

interface ActionBase {
  /** Sent as the `latest` query parameter. */
  id: number;
  /** Milliseconds since the previous action in the original recording. */
  delayMs: number;
  /** Milliseconds since the Unix epoch when the action was recorded. */
  timestampMs: number;
  username: string;
}

export type Action =
  | (ActionBase & { command: "register"; email: string; password: string })
  | (ActionBase & { command: "tweet"; content: string })
  | (ActionBase & { command: "follow"; target: string })
  | (ActionBase & { command: "unfollow"; target: string });

export class ScenarioError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`Scenario line ${line}: ${message}`);
    this.name = "ScenarioError";
  }
}

function integer(raw: string, what: string, line: number): number {
  if (!/^-?\d+$/.test(raw)) throw new ScenarioError(line, `${what} is not an integer: "${raw}"`);
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new ScenarioError(line, `${what} is out of range: ${raw}`);
  return value;
}

/** Parses one line (without its line break). `lineNumber` only labels errors. */
export function parseAction(text: string, lineNumber = 1): Action {
  const fields = text.split("\t");
  const [idRaw, delayRaw, timestampRaw, command, username, third] = fields;
  if (
    idRaw === undefined ||
    delayRaw === undefined ||
    timestampRaw === undefined ||
    command === undefined ||
    username === undefined ||
    third === undefined
  ) {
    throw new ScenarioError(lineNumber, `expected at least 6 tab-separated fields, got ${fields.length}`);
  }
  const base = {
    id: integer(idRaw, "action id", lineNumber),
    delayMs: integer(delayRaw, "delay", lineNumber),
    timestampMs: integer(timestampRaw, "timestamp", lineNumber),
    username,
  };
  const expected = command === "register" ? 7 : 6;
  if (fields.length !== expected) {
    throw new ScenarioError(lineNumber, `"${command}" needs ${expected} fields, got ${fields.length}`);
  }
  switch (command) {
    case "register":
      return { ...base, command, email: third, password: fields[6] ?? "" };
    case "tweet":
      return { ...base, command, content: third };
    case "follow":
    case "unfollow":
      return { ...base, command, target: third };
    default:
      throw new ScenarioError(lineNumber, `unknown command "${command}"`);
  }
}

/** Parses a whole scenario file. Blank lines and a trailing line break are ignored; CRLF is accepted. */
export function parseScenario(text: string): Action[] {
  const actions: Action[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] ?? "";
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line === "") continue;
    actions.push(parseAction(line, i + 1));
  }
  return actions;
}

function field(value: string, name: string): string {
  if (/[\t\r\n]/.test(value)) {
    throw new Error(`Cannot serialize ${name} ${JSON.stringify(value)}: the format has no quoting`);
  }
  return value;
}

/** One line of the format, without its line break. */
export function serializeAction(action: Action): string {
  const head = [
    String(action.id),
    String(action.delayMs),
    String(action.timestampMs),
    action.command,
    field(action.username, "username"),
  ];
  switch (action.command) {
    case "register":
      return [...head, field(action.email, "email"), field(action.password, "password")].join("\t");
    case "tweet":
      return [...head, field(action.content, "tweet")].join("\t");
    case "follow":
    case "unfollow":
      return [...head, field(action.target, "target")].join("\t");
  }
}

export function serializeScenario(actions: Iterable<Action>): string {
  let out = "";
  for (const action of actions) out += serializeAction(action) + "\n";
  return out;
}

export async function readScenarioFile(path: string): Promise<Action[]> {
  return parseScenario(await readFile(path, "utf8"));
}

/** Streams the lines out, so a scenario of millions of actions never sits in memory as one string. */
export async function writeScenario(out: Writable, actions: Iterable<Action>): Promise<void> {
  let chunk = "";
  for (const action of actions) {
    chunk += serializeAction(action) + "\n";
    if (chunk.length >= 64 * 1024) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  if (chunk !== "" && !out.write(chunk)) await once(out, "drain");
}
