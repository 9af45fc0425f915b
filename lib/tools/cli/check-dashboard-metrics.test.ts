import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import {
  exposedMetricNames,
  metricNamesInExpr,
  metricUses,
  missingMetrics,
  promqlOfDashboard,
  promqlOfRuleFile,
  withGrafanaVariablesResolved,
} from "../../observability/dashboard-metrics";

const names = (expr: string) => [...metricNamesInExpr(expr)].sort();

describe("metricNamesInExpr", () => {
  it("finds the series of a histogram quantile, not functions, grouping labels or matcher values", () => {
    expect(
      names(
        'histogram_quantile(0.99, sum by (route, le) (rate(minitwit_http_request_duration_seconds_bucket{route=~"/sim.*", status="minitwit_fake"}[5m])))',
      ),
    ).toEqual(["minitwit_http_request_duration_seconds_bucket"]);
  });

  it("finds both sides of binary operators and skips keywords and numbers", () => {
    expect(
      names(
        'sum(rate(a_total{status=~"5.."}[5m])) / on (instance) group_left(version) sum(rate(b_total[5m] offset 1h)) > bool 1e3 and c_gauge unless absent(up == 1)',
      ),
    ).toEqual(["a_total", "b_total", "c_gauge", "up"]);
  });

  it("reads Grafana variables as no metric", () => {
    expect(names("increase(minitwit_messages_total[$__range]) * $factor")).toEqual([
      "minitwit_messages_total",
    ]);
  });

  it("reads a __name__ matcher as the metric it names", () => {
    expect(names('{__name__="minitwit_follows_total", job="minitwit"}')).toEqual(["minitwit_follows_total"]);
  });
});

describe("exposedMetricNames", () => {
  const exposition = [
    "# HELP minitwit_http_request_duration_seconds Duration.",
    "# TYPE minitwit_http_request_duration_seconds histogram",
    "# HELP minitwit_messages_total Messages.",
    "# TYPE minitwit_messages_total counter",
    "minitwit_messages_total 3",
    'nodejs_eventloop_lag_seconds{quantile="0.5"} 0.01',
    "# TYPE rpc_seconds summary",
  ].join("\n");
  const exposed = exposedMetricNames(exposition);

  it("counts a labelled metric with only HELP/TYPE lines, with its histogram series", () => {
    for (const name of ["", "_bucket", "_sum", "_count"]) {
      expect(exposed.has(`minitwit_http_request_duration_seconds${name}`)).toBe(true);
    }
  });

  it("counts plain samples and summary series, and nothing invented", () => {
    expect(exposed.has("minitwit_messages_total")).toBe(true);
    expect(exposed.has("nodejs_eventloop_lag_seconds")).toBe(true);
    expect(exposed.has("rpc_seconds_count")).toBe(true);
    expect(exposed.has("rpc_seconds_bucket")).toBe(false);
    expect(exposed.has("minitwit_messages_total_bucket")).toBe(false);
  });
});

describe("missingMetrics", () => {
  it("reports unexposed metrics once per place and accepts Prometheus built-ins", () => {
    const uses = metricUses([
      { expr: "up{job='minitwit'} + minitwit_typo_total + minitwit_typo_total", where: "a" },
      { expr: "minitwit_messages_total", where: "b" },
    ]);
    const missing = missingMetrics(uses, new Set(["minitwit_messages_total"]));
    expect(missing).toEqual([{ metric: "minitwit_typo_total", where: "a" }]);
  });
});

describe("promqlOfDashboard", () => {
  it("collects Prometheus targets in rows and query variables, not Loki queries", () => {
    const dashboard = {
      panels: [
        { title: "p", targets: [{ expr: "a_total" }] },
        {
          type: "row",
          panels: [{ title: "nested", datasource: { type: "prometheus" }, targets: [{ expr: "b_total" }] }],
        },
        { title: "logs", datasource: { type: "loki", uid: "loki" }, targets: [{ expr: '{service="app"}' }] },
      ],
      templating: {
        list: [
          { name: "route", type: "query", query: { query: 'label_values(c_total{job="x"}, route)' } },
          { name: "level", type: "custom", query: "info,warn" },
        ],
      },
    };
    expect(promqlOfDashboard(dashboard, "d.json")).toEqual([
      { expr: "a_total", where: 'd.json: panel "p"' },
      { expr: "b_total", where: 'd.json: panel "nested"' },
      { expr: 'c_total{job="x"}', where: "d.json: variable $route" },
    ]);
  });
});

describe("promqlOfRuleFile", () => {
  it("collects alerting and recording rule expressions", () => {
    const rules = parseYaml(
      "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: x_total > 0\n      - record: r\n        expr: sum(y)\n",
    );
    expect(promqlOfRuleFile(rules, "r.yml")).toEqual([
      { expr: "x_total > 0", where: "r.yml: rule A" },
      { expr: "sum(y)", where: "r.yml: rule r" },
    ]);
  });
});

describe("withGrafanaVariablesResolved", () => {
  it("turns template and interval variables into valid PromQL", () => {
    expect(withGrafanaVariablesResolved('increase(m{route=~"$route", op=~"${op}"}[$__range])')).toBe(
      'increase(m{route=~".*", op=~".*"}[5m])',
    );
  });
});

// The app's metric contract, as prom-client prints it before any observation (HELP/TYPE only).
const CONTRACT_EXPOSITION = [
  ["minitwit_registrations_total", "counter"],
  ["minitwit_messages_total", "counter"],
  ["minitwit_follows_total", "counter"],
  ["minitwit_unfollows_total", "counter"],
  ["minitwit_http_requests_total", "counter"],
  ["minitwit_http_request_duration_seconds", "histogram"],
  ["minitwit_graphql_operations_total", "counter"],
  ["minitwit_graphql_operation_duration_seconds", "histogram"],
  ["minitwit_db_query_duration_seconds", "histogram"],
  ["minitwit_db_pool_connections", "gauge"],
  ["minitwit_live_streams_open", "gauge"],
  ["minitwit_live_events_delivered_total", "counter"],
  ["minitwit_live_events_dropped_total", "counter"],
  ["minitwit_live_streams_refused_total", "counter"],
  ["minitwit_live_delivery_seconds", "histogram"],
  ["process_cpu_seconds_total", "counter"],
  ["process_resident_memory_bytes", "gauge"],
  ["nodejs_eventloop_lag_seconds", "gauge"],
  ["nodejs_heap_size_used_bytes", "gauge"],
  ["nodejs_gc_duration_seconds", "histogram"],
]
  .map(([name, type]) => `# HELP ${name} x\n# TYPE ${name} ${type}`)
  .join("\n");

describe("the committed dashboards and alert rules", () => {
  it("query only metrics of the app's contract", () => {
    const root = path.resolve(__dirname, "../../..");
    const dir = path.join(root, "docker/grafana/dashboards");
    const queries = [
      ...readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .flatMap((f) => promqlOfDashboard(JSON.parse(readFileSync(path.join(dir, f), "utf8")), f)),
      ...promqlOfRuleFile(
        parseYaml(readFileSync(path.join(root, "docker/prometheus/alerts.yml"), "utf8")),
        "alerts.yml",
      ),
    ];
    expect(queries.length).toBeGreaterThan(20);
    expect(missingMetrics(metricUses(queries), exposedMetricNames(CONTRACT_EXPOSITION))).toEqual([]);
  });
});
