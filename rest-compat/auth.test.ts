import { describe, expect, it } from "vitest";

import { isSimulator } from "./auth";

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

describe("isSimulator (default credentials)", () => {
  it("accepts the course's header", () => {
    expect(isSimulator("Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh")).toBe(true);
  });

  it.each([
    ["no header", null],
    ["an empty header", ""],
    ["the scheme in lower case", "basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh"],
    ["the scheme in upper case", "BASIC c2ltdWxhdG9yOnN1cGVyX3NhZmUh"],
    ["a wrong password", `Basic ${b64("simulator:super_safe")}`],
    ["a wrong user", `Basic ${b64("simulat0r:super_safe!")}`],
    ["no password", `Basic ${b64("simulator")}`],
    ["malformed base64", "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh!!"],
    ["the credentials in clear", "Basic simulator:super_safe!"],
    ["a bearer token", "Bearer c2ltdWxhdG9yOnN1cGVyX3NhZmUh"],
    ["two spaces", "Basic  c2ltdWxhdG9yOnN1cGVyX3NhZmUh"],
    ["a trailing space", "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh "],
    ["a prefix of the header", "Basic c2ltdWxhdG9yOnN1cGVy"],
    ["non-ASCII", "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUé"],
  ])("refuses %s", (_name, header) => {
    expect(isSimulator(header)).toBe(false);
  });
});
