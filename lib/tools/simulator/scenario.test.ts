import { PassThrough } from "node:stream";

import { describe, expect, it } from "vitest";

import {
  parseAction,
  parseScenario,
  serializeAction,
  serializeScenario,
  writeScenario,
  type Action,
} from "./scenario";

const line = (...fields: string[]) => fields.join("\t");

// The first lines of the course's sample, byte for byte (passwords with quotes and a trailing backslash).
const SAMPLE_HEAD = [
  line("0", "0", "1582246860738", "register", "Roger Histand", "Roger+Histand@hotmail.com", "]=)[X{Km{z"),
  line(
    "1",
    "13700323",
    "1582260561061",
    "register",
    "Geoffrey Stieff",
    "Geoffrey.Stieff@gmail.com",
    "-']S!{'",
  ),
  line("2", "5867164", "1582266428225", "register", "Wendell Ballan", "Wendell-Ballan@gmail.com", "6cl_[\\"),
  line(
    "3",
    "3614448",
    "1582270042673",
    "tweet",
    "Roger Histand",
    "From hour to hour yesterday I saw my white face of it?",
  ),
  line("4", "7045735", "1582277088408", "register", "Nathan Sirmon", "Nathan+Sirmon@dtu.dk", 'Qm"oZ=.D0'),
];

describe("parseAction", () => {
  it("reads the sample's first lines into typed actions", () => {
    const actions = SAMPLE_HEAD.map((text, i) => parseAction(text, i + 1));
    expect(actions[0]).toEqual({
      id: 0,
      delayMs: 0,
      timestampMs: 1582246860738,
      command: "register",
      username: "Roger Histand",
      email: "Roger+Histand@hotmail.com",
      password: "]=)[X{Km{z",
    });
    expect(actions[2]).toMatchObject({ command: "register", password: "6cl_[\\" });
    expect(actions[3]).toEqual({
      id: 3,
      delayMs: 3614448,
      timestampMs: 1582270042673,
      command: "tweet",
      username: "Roger Histand",
      content: "From hour to hour yesterday I saw my white face of it?",
    });
    expect(actions[4]).toMatchObject({ password: 'Qm"oZ=.D0' });
  });

  it.each([
    [
      "follow",
      line("7", "1", "2", "follow", "Zoë Brontë", "Søren O'Brien"),
      { command: "follow", target: "Søren O'Brien" },
    ],
    ["unfollow", line("8", "1", "2", "unfollow", "a b", "c d"), { command: "unfollow", target: "c d" }],
    [
      "a tweet with curly quotes and emoji",
      line("9", "1", "2", "tweet", "x", "“Hi,” he said — it’s 🎉🇩🇰"),
      { content: "“Hi,” he said — it’s 🎉🇩🇰" },
    ],
    [
      "a tweet starting with a byte-order mark",
      line("12508", "45274", "1587447057096", "tweet", "Cheryll Ebbers", "\uFEFFTHE VALLEY"),
      { content: "\uFEFFTHE VALLEY" },
    ],
  ])("reads %s", (_name, text, expected) => {
    expect(parseAction(text)).toMatchObject(expected);
  });

  it.each([
    ["too few fields", line("1", "0", "0", "tweet", "a")],
    ["a register without password", line("1", "0", "0", "register", "a", "a@b")],
    ["a tweet with an extra column", line("1", "0", "0", "tweet", "a", "b", "c")],
    ["an unknown command", line("1", "0", "0", "retweet", "a", "b")],
    ["a non-integer id", line("1.5", "0", "0", "tweet", "a", "b")],
    ["an empty delay", line("1", "", "0", "tweet", "a", "b")],
  ])("refuses %s, naming the line", (_name, text) => {
    expect(() => parseAction(text, 42)).toThrow(/line 42/);
  });
});

describe("serializeAction", () => {
  it.each(SAMPLE_HEAD)("round-trips %s", (text) => {
    expect(serializeAction(parseAction(text))).toBe(text);
  });

  it("round-trips non-ASCII names, curly quotes and emoji", () => {
    const text = line("9", "1", "2", "tweet", "Łukasz Świątek", '„Déjà vu” — ’tis 👍🏽 \\n "x"');
    expect(serializeAction(parseAction(text))).toBe(text);
  });

  it("refuses a field the unquoted format cannot hold", () => {
    const action: Action = {
      id: 1,
      delayMs: 0,
      timestampMs: 0,
      command: "tweet",
      username: "a",
      content: "x\ty",
    };
    expect(() => serializeAction(action)).toThrow(/no quoting/);
    expect(() => serializeAction({ ...action, content: "two\nlines" })).toThrow(/no quoting/);
  });
});

describe("parseScenario", () => {
  it("accepts CRLF, blank lines and a trailing line break", () => {
    const text = `${SAMPLE_HEAD[0]}\r\n\r\n${SAMPLE_HEAD[3]}\r\n`;
    expect(parseScenario(text).map((a) => a.id)).toEqual([0, 3]);
  });

  it("reports the file's line number", () => {
    expect(() => parseScenario(`${SAMPLE_HEAD[0]}\n\nbroken\n`)).toThrow(/line 3/);
  });

  it("is the inverse of serializeScenario", () => {
    const text = SAMPLE_HEAD.join("\n") + "\n";
    expect(serializeScenario(parseScenario(text))).toBe(text);
  });
});

describe("writeScenario", () => {
  it("streams the same bytes as serializeScenario, in chunks", async () => {
    const actions = Array.from({ length: 5000 }, (_, i) => parseAction(SAMPLE_HEAD[i % 5] as string));
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on("data", (chunk: Buffer) => chunks.push(chunk));
    await writeScenario(out, actions);
    out.end();
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).toString("utf8")).toBe(serializeScenario(actions));
  });
});
