import { describe, expect, it } from "vitest";
import { metrics } from "./metrics";
import { parsePrometheusText, sampleSum, samplesOf } from "./prometheus-text";

const TEXT = `# HELP minitwit_http_requests_total HTTP requests.
# TYPE minitwit_http_requests_total counter
minitwit_http_requests_total{route="/sim/msgs/:username",method="POST",status="204"} 12
minitwit_http_requests_total{route="/sim/msgs/:username",method="GET",status="200"} 3
minitwit_http_requests_total{route="/public",method="GET",status="200"} 1

minitwit_http_request_duration_seconds_bucket{le="+Inf",route="/public",method="GET",status="200"} 1
minitwit_messages_total 5
odd_labels{a="quote \\" and backslash \\\\",b="line\\nbreak",c=""} 1.5e-3 1700000000000
`;

describe("parsePrometheusText", () => {
  const samples = parsePrometheusText(TEXT);

  it("reads names, labels and values", () => {
    expect(samples).toHaveLength(6);
    expect(samples[0]).toEqual({
      name: "minitwit_http_requests_total",
      labels: { route: "/sim/msgs/:username", method: "POST", status: "204" },
      value: 12,
    });
    expect(samplesOf(samples, "minitwit_messages_total")).toEqual([
      { name: "minitwit_messages_total", labels: {}, value: 5 },
    ]);
  });

  it("unescapes label values and reads exponents and infinity", () => {
    expect(samplesOf(samples, "odd_labels")[0]).toEqual({
      name: "odd_labels",
      labels: { a: 'quote " and backslash \\', b: "line\nbreak", c: "" },
      value: 0.0015,
    });
    expect(samplesOf(samples, "minitwit_http_request_duration_seconds_bucket")[0]?.labels.le).toBe("+Inf");
  });

  it("sums the samples matching a subset of labels", () => {
    expect(sampleSum(samples, "minitwit_http_requests_total", { route: "/sim/msgs/:username" })).toBe(15);
    expect(sampleSum(samples, "minitwit_http_requests_total", { method: "GET" })).toBe(4);
    expect(sampleSum(samples, "minitwit_http_requests_total", { route: "/nope" })).toBe(0);
  });

  it("refuses lines that are not samples", () => {
    expect(() => parsePrometheusText("not a sample line at all")).toThrow();
    expect(() => parsePrometheusText('x{a="unterminated} 1')).toThrow();
  });

  it("reads the app's own scrape", async () => {
    const parsed = parsePrometheusText(await metrics().registry.metrics());
    expect(samplesOf(parsed, "minitwit_registrations_total")).toHaveLength(1);
    expect(parsed.length).toBeGreaterThan(50);
  });
});
