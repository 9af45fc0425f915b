import { describe, expect, it, vi } from "vitest";
import {
  BODY_LIMITS,
  bodyLimitFor,
  declaresTooLargeBody,
  tooLargeMessage,
  readBodyWithin,
  withBodyWithin,
} from "./body-limit";

function endlessStream(): { stream: ReadableStream<Uint8Array>; cancelled(): boolean } {
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(new Uint8Array(64 * 1024).fill(0x61));
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, cancelled: () => cancelled };
}

const post = (body: BodyInit | null, headers: Record<string, string> = {}) =>
  new Request("http://x/api/graphql", { method: "POST", body, headers, duplex: "half" } as RequestInit);

describe("readBodyWithin", () => {
  it("returns the bytes of a body within the limit, and none without a body", async () => {
    const read = await readBodyWithin(post("abc"), 3);
    expect(read.ok && Buffer.from(read.bytes).toString()).toBe("abc");
    expect(await readBodyWithin(new Request("http://x/", { method: "POST" }), 3)).toMatchObject({ ok: true });
  });

  it("refuses one byte over the limit, also without a Content-Length", async () => {
    expect(await readBodyWithin(post("abcd"), 3)).toEqual({ ok: false, reason: "too-large" });
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array([1, 2]));
        controller.enqueue(new Uint8Array([3, 4]));
        controller.close();
      },
    });
    expect(await readBodyWithin(post(chunked), 3)).toEqual({ ok: false, reason: "too-large" });
  });

  it("stops reading an endless chunked body", async () => {
    const { stream, cancelled } = endlessStream();
    expect(await readBodyWithin(post(stream), 1024 * 1024)).toEqual({ ok: false, reason: "too-large" });
    expect(cancelled()).toBe(true);
  });

  it("refuses a declared length over the limit without waiting for a body that never comes", async () => {
    vi.useFakeTimers();
    try {
      let cancelled = false;
      const silent = new ReadableStream<Uint8Array>({
        cancel() {
          cancelled = true;
        },
      });
      const read = readBodyWithin(post(silent, { "content-length": "1000000000" }), 1024);
      await vi.advanceTimersByTimeAsync(999);
      expect(cancelled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(await read).toEqual({ ok: false, reason: "too-large" });
      expect(cancelled).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("withBodyWithin", () => {
  it("hands on a request whose body is the bytes read, with their length", async () => {
    const bounded = await withBodyWithin(
      post('{"query":"{ latest }"}', { "content-type": "application/json" }),
      100,
    );
    expect(bounded?.headers.get("content-length")).toBe("22");
    expect(bounded?.headers.get("content-type")).toBe("application/json");
    expect(await bounded?.json()).toEqual({ query: "{ latest }" });
  });

  it("is null for a body over the limit, and leaves GET alone", async () => {
    const { stream } = endlessStream();
    expect(await withBodyWithin(post(stream), 1000)).toBeNull();
    const get = new Request("http://x/api/graphql?query=%7Blatest%7D");
    expect(await withBodyWithin(get, 1000)).toBe(get);
  });
});

describe("bodyLimitFor and declaresTooLargeBody (the server's gate)", () => {
  it("gives each kind of route its limit, the forms' for everything else", () => {
    expect(bodyLimitFor("/sim/msgs/a")).toBe(BODY_LIMITS.simulator);
    expect(bodyLimitFor("/sim")).toBe(BODY_LIMITS.simulator);
    expect(bodyLimitFor("/api/graphql")).toBe(BODY_LIMITS.graphql);
    expect(bodyLimitFor("/api/graphql/stream")).toBe(BODY_LIMITS.graphqlStream);
    expect(bodyLimitFor("/login")).toBe(BODY_LIMITS.form);
    expect(bodyLimitFor("/api/auth/callback/credentials")).toBe(BODY_LIMITS.form);
    expect(bodyLimitFor("/simulator")).toBe(BODY_LIMITS.form);
  });

  it("refuses a declared length over the limit only", () => {
    expect(declaresTooLargeBody("/login", String(BODY_LIMITS.form))).toBe(false);
    expect(declaresTooLargeBody("/login", String(BODY_LIMITS.form + 1))).toBe(true);
    expect(declaresTooLargeBody("/sim/register", "100000")).toBe(false);
    expect(declaresTooLargeBody("/login", undefined)).toBe(false);
  });
});

describe("tooLargeMessage", () => {
  it("names the limit in MiB or KiB, the same text on every route", () => {
    expect(tooLargeMessage(BODY_LIMITS.simulator)).toBe("The request body is larger than 1 MiB");
    expect(tooLargeMessage(BODY_LIMITS.form)).toBe("The request body is larger than 64 KiB");
  });
});
