import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import {
  parsePrometheusText,
  sampleSum,
  samplesOf,
  type Sample,
} from "../../lib/observability/prometheus-text";
import { tempDir } from "./server";

const base = () => process.env.MINITWIT_TEST_URL!;
const SIM = { Authorization: `Basic ${Buffer.from("simulator:super_safe!").toString("base64")}` };
const JSON_BODY = { "content-type": "application/json" };

async function scrape(): Promise<{ text: string; samples: Sample[] }> {
  const res = await fetch(`${base()}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
  const text = await res.text();
  return { text, samples: parsePrometheusText(text) };
}

const total = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  sampleSum(samples, name, labels);

async function sim(method: string, route: string, body?: unknown) {
  const res = await fetch(`${base()}/sim${route}`, {
    method,
    headers: { ...SIM, ...JSON_BODY },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

async function graphql(query: string, variables: Record<string, unknown>) {
  const res = await fetch(`${base()}/api/graphql`, {
    method: "POST",
    headers: JSON_BODY,
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: unknown; errors?: unknown[] };
}

describe("/metrics after real requests", () => {
  const suffix = Date.now().toString(36);

  it("counts business actions once, whatever the entry point", async () => {
    const before = (await scrape()).samples;
    const [a, b] = [`metrics a ${suffix}`, `metrics b ${suffix}`];

    expect(await sim("POST", "/register", { username: a, email: "a@x.dk", pwd: "p" })).toBe(204);
    expect(await sim("POST", "/register", { username: b, email: "b@x.dk", pwd: "p" })).toBe(204);
    expect(await sim("POST", "/register", { username: b, email: "b@x.dk", pwd: "p" })).toBe(400);
    expect(await sim("POST", `/msgs/${encodeURIComponent(a)}`, { content: "counted" })).toBe(204);
    expect(await sim("POST", `/fllws/${encodeURIComponent(a)}`, { follow: b })).toBe(204);
    expect(await sim("POST", `/fllws/${encodeURIComponent(a)}`, { unfollow: b })).toBe(204);
    const registered = await graphql(
      `
        mutation R($i: RegisterInput!) {
          register(input: $i) {
            user {
              username
            }
          }
        }
      `,
      { i: { username: `metricsgql${suffix}`, email: "g@x.dk", password: "long enough password" } },
    );
    expect(registered.errors).toBeUndefined();
    const web = await fetch(`${base()}/register`, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({
        username: `metricsweb${suffix}`,
        email: "w@x.dk",
        password: "long enough password",
        password2: "long enough password",
      }),
    });
    expect(web.status).toBe(303);
    expect(web.headers.get("location")).toMatch(/\/login$/);

    const after = (await scrape()).samples;
    const moved = (name: string) => total(after, name) - total(before, name);
    expect(moved("minitwit_registrations_total")).toBe(4);
    expect(moved("minitwit_messages_total")).toBe(1);
    expect(moved("minitwit_follows_total")).toBe(1);
    expect(moved("minitwit_unfollows_total")).toBe(1);
  });

  it("labels HTTP requests by route template, method and status, with a duration histogram", async () => {
    const before = (await scrape()).samples;
    const name = `metrics nobody ${suffix}`;
    expect(await sim("GET", `/msgs/${encodeURIComponent(name)}`)).toBe(404);
    await (await fetch(`${base()}/healthz`)).arrayBuffer();
    const after = (await scrape()).samples;
    const labels = { route: "/sim/msgs/:username", method: "GET", status: "404" };
    expect(
      total(after, "minitwit_http_requests_total", labels) -
        total(before, "minitwit_http_requests_total", labels),
    ).toBe(1);
    expect(
      total(after, "minitwit_http_request_duration_seconds_count", labels) -
        total(before, "minitwit_http_request_duration_seconds_count", labels),
    ).toBe(1);
    const health = { route: "/healthz", method: "GET", status: "200" };
    expect(total(after, "minitwit_http_requests_total", health)).toBeGreaterThan(
      total(before, "minitwit_http_requests_total", health),
    );
    expect(after.some((s) => Object.values(s.labels).some((v) => v.includes(name)))).toBe(false);
  });

  it("counts GraphQL operations by name and outcome, in process and over HTTP", async () => {
    const before = (await scrape()).samples;
    await graphql(
      `
        query WebUnflagMessage {
          publicTimeline(first: 1) {
            edges {
              cursor
            }
          }
        }
      `,
      {},
    );
    await graphql(
      `
        query WebFlagMessage {
          publicTimeline(after: "not-a-cursor") {
            edges {
              cursor
            }
          }
        }
      `,
      {},
    );
    // A name the repository has no document for gets no series of its own.
    await graphql(
      `
        query MetricsProbe {
          __typename
        }
      `,
      {},
    );
    expect(await sim("GET", "/msgs?no=1")).toBe(200);
    const after = (await scrape()).samples;
    const delta = (labels: Record<string, string>) =>
      total(after, "minitwit_graphql_operations_total", labels) -
      total(before, "minitwit_graphql_operations_total", labels);
    // Names of the repository's own operations (the web's admin ones, which nothing else here runs).
    expect(delta({ operation: "WebUnflagMessage", outcome: "success" })).toBe(1);
    expect(delta({ operation: "WebFlagMessage", outcome: "error" })).toBe(1);
    expect(delta({ operation: "MetricsProbe" })).toBe(0);
    expect(delta({ operation: "other", outcome: "success" })).toBeGreaterThanOrEqual(1);
    expect(delta({ outcome: "success" })).toBeGreaterThanOrEqual(2);
  });

  it("keeps the number of series constant however many usernames are hit", async () => {
    const seriesCount = (samples: Sample[]) => samplesOf(samples, "minitwit_http_requests_total").length;
    const warm = async (i: number) => {
      await sim("GET", `/msgs/${encodeURIComponent(`cardinality ${suffix} ${i}`)}`);
      await sim("GET", `/fllws/${encodeURIComponent(`cardinality ${suffix} ${i}`)}`);
    };
    await warm(-1);
    const before = seriesCount((await scrape()).samples);
    for (let i = 0; i < 150; i++) await warm(i);
    const { samples, text } = await scrape();
    expect(seriesCount(samples)).toBe(before);
    expect(text).not.toContain(`cardinality ${suffix}`);
  });

  it("exposes every metric the dashboards and alerts query", async () => {
    const { text } = await scrape();
    const dir = await tempDir("minitwit-metrics-");
    try {
      const file = path.join(dir.dir, "metrics.txt");
      await writeFile(file, text);
      const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
      const { stdout } = await promisify(execFile)(tsx, ["lib/tools/cli/check-dashboard-metrics.ts", file]);
      expect(stdout).toMatch(/^ok: all \d+ metrics used by dashboards and alerts are exposed/);
    } finally {
      await dir.remove();
    }
  });
});
