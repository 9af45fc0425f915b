import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb } from "../db/prisma";
import { getLatest, recordLatest } from "./simulator";

afterAll(disconnectDb);

describe("latest", () => {
  it("keeps the last recorded value, including ones beyond 2^53", async () => {
    const big = 9_007_199_254_740_993n + BigInt(Math.floor(Math.random() * 1000));
    await recordLatest(big);
    expect(await getLatest()).toBe(big);
    await recordLatest(42n);
    expect(await getLatest()).toBe(42n);
  });
});
