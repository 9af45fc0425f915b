import { afterEach, describe, expect, it, vi } from "vitest";
import { CLIENT_IP_HEADER } from "./http";
import { logger } from "./logger";
import { countBusinessEvent } from "./metrics";
import { createMetricsHandler, GET } from "./metrics-route";

function scrape(headers: Record<string, string> = {}) {
  return new Request("http://localhost/metrics", { headers });
}

afterEach(() => void vi.restoreAllMocks());

describe("metrics route", () => {
  it("serves the registry in Prometheus text format", async () => {
    countBusinessEvent("message");
    const response = await createMetricsHandler({})(scrape());
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await response.text();
    expect(body).toMatch(/^minitwit_messages_total [1-9]\d*$/m);
    expect(body).toContain("# TYPE minitwit_http_request_duration_seconds histogram");
    expect(body).toContain("# TYPE minitwit_graphql_operations_total counter");
    expect(body).toContain("# TYPE minitwit_db_query_duration_seconds histogram");
    expect(body).toMatch(/^minitwit_db_pool_connections\{state="idle"\} \d+$/m);
    // prom-client's default process metrics.
    expect(body).toContain("process_cpu_user_seconds_total");
    expect(body).toContain("nodejs_eventloop_lag_seconds");
    expect(body).toContain("nodejs_gc_duration_seconds");
    expect(body).toContain("process_resident_memory_bytes");
  });

  it.skipIf(process.env.METRICS_TOKEN || process.env.METRICS_ALLOWED_NETWORKS)(
    "is open when the environment configures no restriction",
    async () => {
      expect((await GET(scrape())).status).toBe(200);
    },
  );

  describe("with a token", () => {
    const handler = createMetricsHandler({ token: "s3cret-token" });

    it.each([
      ["no header", {}],
      ["a wrong token", { authorization: "Bearer wrong" }],
      ["a longer token", { authorization: "Bearer s3cret-token-and-more" }],
      ["a prefix of the token", { authorization: "Bearer s3cret" }],
      ["the token under Basic", { authorization: "Basic s3cret-token" }],
      ["the bare token", { authorization: "s3cret-token" }],
    ])("refuses %s with 401", async (_case, headers) => {
      const response = await handler(scrape(headers));
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await response.text()).not.toContain("minitwit_");
    });

    it("accepts the right bearer token", async () => {
      expect((await handler(scrape({ authorization: "Bearer s3cret-token" }))).status).toBe(200);
      expect((await handler(scrape({ authorization: "bearer s3cret-token" }))).status).toBe(200);
    });
  });

  describe("with allowed networks", () => {
    const handler = createMetricsHandler({ allowedNetworks: "10.0.0.0/8,::1/128" });

    it("accepts a client address inside them, as the server reports it", async () => {
      expect((await handler(scrape({ [CLIENT_IP_HEADER]: "10.0.3.4" }))).status).toBe(200);
      expect((await handler(scrape({ [CLIENT_IP_HEADER]: "::ffff:10.0.3.4" }))).status).toBe(200);
      expect((await handler(scrape({ [CLIENT_IP_HEADER]: "::1" }))).status).toBe(200);
    });

    it.each([
      ["an address outside", { [CLIENT_IP_HEADER]: "192.168.0.1" }],
      ["no address", {}],
      ["only a forwarded-for header", { "x-forwarded-for": "10.0.0.1" }],
    ])("refuses %s with 403", async (_case, headers) => {
      const response = await handler(scrape(headers));
      expect(response.status).toBe(403);
      expect(await response.text()).toBe("Forbidden\n");
    });
  });

  describe("with both", () => {
    const handler = createMetricsHandler({ token: "t", allowedNetworks: "127.0.0.1/32" });

    it("requires both to pass", async () => {
      const inside = { [CLIENT_IP_HEADER]: "127.0.0.1" };
      const outside = { [CLIENT_IP_HEADER]: "127.0.0.2" };
      expect((await handler(scrape({ ...inside, authorization: "Bearer t" }))).status).toBe(200);
      expect((await handler(scrape({ ...inside }))).status).toBe(401);
      expect((await handler(scrape({ ...outside, authorization: "Bearer t" }))).status).toBe(403);
    });
  });

  it("refuses every scrape, and says why, when the network list is invalid", async () => {
    const logged = vi.spyOn(logger(), "error").mockImplementation(() => undefined);
    const handler = createMetricsHandler({ allowedNetworks: "10.0.0.0/99" });
    const response = await handler(scrape({ [CLIENT_IP_HEADER]: "10.0.0.1" }));
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain("minitwit_");
    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({ reason: expect.stringContaining("10.0.0.0/99") }),
      expect.any(String),
    );
  });
});
