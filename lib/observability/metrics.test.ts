import { describe, expect, it, vi } from "vitest";
import {
  countBusinessEvent,
  graphqlOperationLabel,
  KNOWN_GRAPHQL_OPERATIONS,
  metrics,
  recordGraphQLOperation,
  reportPoolUsage,
} from "./metrics";

function sampleValue(text: string, series: string): number {
  const escaped = series.replace(/[{}"=,]/g, (c) => `\\${c}`);
  const match = new RegExp(`^${escaped} (\\S+)$`, "m").exec(text);
  if (!match) throw new Error(`no sample ${series}`);
  return Number(match[1]);
}

describe("metrics registry", () => {
  it("survives a module reload with the same registry and series, without re-registering", async () => {
    countBusinessEvent("follow");
    const before = sampleValue(await metrics().registry.metrics(), "minitwit_follows_total");

    vi.resetModules();
    const reloaded = await import("./metrics");
    expect(reloaded.metrics()).toBe(metrics());
    reloaded.countBusinessEvent("follow");

    const text = await reloaded.metrics().registry.metrics();
    expect(sampleValue(text, "minitwit_follows_total")).toBe(before + 1);
    expect(text.match(/^# TYPE minitwit_follows_total /gm)).toHaveLength(1);
  });

  it("counts each business event under its own counter", async () => {
    const read = async () => {
      const text = await metrics().registry.metrics();
      return ["registrations", "messages", "follows", "unfollows"].map((name) =>
        sampleValue(text, `minitwit_${name}_total`),
      );
    };
    const before = await read();
    countBusinessEvent("registration");
    countBusinessEvent("message");
    countBusinessEvent("message");
    countBusinessEvent("unfollow");
    const after = await read();
    expect(after.map((value, i) => value - before[i]!)).toEqual([1, 2, 0, 1]);
  });

  it("reports the pool last handed over, and zeros before there is one", async () => {
    const text = await metrics().registry.getSingleMetricAsString("minitwit_db_pool_connections");
    expect(sampleValue(text, 'minitwit_db_pool_connections{state="total"}')).toBe(0);

    reportPoolUsage({ totalCount: 7, idleCount: 4, waitingCount: 2 });
    const later = await metrics().registry.getSingleMetricAsString("minitwit_db_pool_connections");
    expect(sampleValue(later, 'minitwit_db_pool_connections{state="total"}')).toBe(7);
    expect(sampleValue(later, 'minitwit_db_pool_connections{state="idle"}')).toBe(4);
    expect(sampleValue(later, 'minitwit_db_pool_connections{state="waiting"}')).toBe(2);
  });
});

describe("GraphQL operation labels", () => {
  it("knows the operations of graphql/operations and nothing else", () => {
    expect(KNOWN_GRAPHQL_OPERATIONS).toContain("SimRegister");
    expect(KNOWN_GRAPHQL_OPERATIONS).toContain("WebPublicTimeline");
    // A fragment is no operation.
    expect(KNOWN_GRAPHQL_OPERATIONS).not.toContain("WebMessageFields");
  });

  it("labels known names as themselves, unnamed ones anonymous, everything else other", () => {
    expect(graphqlOperationLabel(undefined)).toBe("anonymous");
    expect(graphqlOperationLabel(null)).toBe("anonymous");
    expect(graphqlOperationLabel("")).toBe("anonymous");
    expect(graphqlOperationLabel("SimPostMessage")).toBe("SimPostMessage");
    expect(graphqlOperationLabel("PostMessage")).toBe("other");
    expect(graphqlOperationLabel("drop table; --")).toBe("other");
    expect(graphqlOperationLabel("a".repeat(101))).toBe("other");
  });

  it("gives invented names no series of their own, however many arrive first", async () => {
    for (let i = 0; i < 300; i++) {
      recordGraphQLOperation(`Generated${i}`, i % 2 ? "success" : "error", 0.002);
    }
    recordGraphQLOperation("WebHomeTimeline", "success", 0.01);
    const { values } = await metrics().graphql.operations.get();
    const names = new Set(values.map((v) => v.labels.operation));
    expect([...names].filter((name) => String(name).startsWith("Generated"))).toEqual([]);
    expect(names).toContain("other");
    expect(names).toContain("WebHomeTimeline");
  });
});
