import { describe, expect, it } from "vitest";

import { readJsonObject } from "./body";

const post = (body: BodyInit | null, headers: Record<string, string> = {}) =>
  new Request("http://x/sim/register", { method: "POST", body, headers, duplex: "half" } as RequestInit);

describe("readJsonObject", () => {
  it("returns the object, with non-ASCII text intact", async () => {
    const result = await readJsonObject(post(JSON.stringify({ content: "“Hi” 🎉", n: 1 })));
    expect(result).toEqual({ ok: true, value: { content: "“Hi” 🎉", n: 1 } });
  });

  it.each([
    ["malformed JSON", "{", /not valid JSON/],
    ["an empty body", "", /not valid JSON/],
    ["an array", "[]", /JSON object/],
    ["null", "null", /JSON object/],
    ["a string", '"x"', /JSON object/],
    ["a number", "5", /JSON object/],
  ])("refuses %s with 400", async (_name, body, message) => {
    const result = await readJsonObject(post(body));
    expect(result).toMatchObject({ ok: false, status: 400 });
    expect(result.ok ? "" : result.message).toMatch(message);
  });

  it("refuses bytes that are not UTF-8 with 400", async () => {
    const result = await readJsonObject(post(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d])));
    expect(result).toMatchObject({ ok: false, status: 400 });
  });

  it("refuses a missing body with 400", async () => {
    expect(await readJsonObject(new Request("http://x/", { method: "POST" }))).toMatchObject({
      ok: false,
      status: 400,
    });
  });

  it("accepts a body of exactly the limit and refuses one byte more with 413", async () => {
    const fits = `{"a":"${"x".repeat(100 - 8)}"}`;
    expect(fits).toHaveLength(100);
    expect(await readJsonObject(post(fits), 100)).toMatchObject({ ok: true });
    expect(await readJsonObject(post(`${fits} `), 100)).toMatchObject({ ok: false, status: 413 });
  });

  it("refuses a declared length over the limit without reading the body", async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.close();
      },
    });
    const result = await readJsonObject(post(stream, { "content-length": String(2 * 1024 * 1024) }));
    expect(result).toMatchObject({ ok: false, status: 413 });
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it("gives up on an endless undeclared body instead of buffering it", async () => {
    let cancelled = false;
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
      },
      cancel() {
        cancelled = true;
      },
    });
    const result = await readJsonObject(post(endless));
    expect(result).toMatchObject({ ok: false, status: 413 });
    expect(cancelled).toBe(true);
    expect(pulled * 64 * 1024).toBeLessThanOrEqual(18 * 1024 * 1024 + 2 * 64 * 1024);
  });
});
