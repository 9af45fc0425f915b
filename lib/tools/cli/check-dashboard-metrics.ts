/**
 * Fails when a Grafana dashboard or a Prometheus alert queries a metric the app does not expose.
 *
 *   npx tsx lib/tools/cli/check-dashboard-metrics.ts metrics.txt            # metrics.txt: curl …/metrics
 *   npx tsx lib/tools/cli/check-dashboard-metrics.ts --promql-rules out.yml # dashboards' PromQL for promtool
 *
 * The second form writes every dashboard query as a recording rule, so `promtool check rules out.yml`
 * checks their syntax (docker/validate-config.sh does).
 */
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import {
  exposedMetricNames,
  metricUses,
  missingMetrics,
  promqlOfDashboard,
  promqlOfRuleFile,
  withGrafanaVariablesResolved,
} from "../../observability/dashboard-metrics";

const root = path.resolve(__dirname, "../../..");
const dashboardsDir = path.join(root, "docker/grafana/dashboards");
const ruleFiles = [path.join(root, "docker/prometheus/alerts.yml")];

function dashboardQueries() {
  return readdirSync(dashboardsDir)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .flatMap((file) =>
      promqlOfDashboard(
        JSON.parse(readFileSync(path.join(dashboardsDir, file), "utf8")),
        `dashboards/${file}`,
      ),
    );
}

function ruleQueries() {
  return ruleFiles.flatMap((file) =>
    promqlOfRuleFile(parseYaml(readFileSync(file, "utf8")), path.relative(root, file)),
  );
}

function writePromqlRules(out: string): void {
  const rules = dashboardQueries().map(({ expr }, i) => ({
    record: `dashboard:query_${i}`,
    expr: withGrafanaVariablesResolved(expr),
  }));
  writeFileSync(out, stringifyYaml({ groups: [{ name: "dashboard-queries", rules }] }));
  console.log(`wrote ${rules.length} dashboard queries to ${out}`);
}

function check(metricsFile: string): number {
  const exposed = exposedMetricNames(readFileSync(metricsFile, "utf8"));
  const uses = metricUses([...dashboardQueries(), ...ruleQueries()]);
  const missing = missingMetrics(uses, exposed);
  const used = new Set(uses.map((use) => use.metric));
  if (missing.length === 0) {
    console.log(`ok: all ${used.size} metrics used by dashboards and alerts are exposed`);
    return 0;
  }
  console.error(`${new Set(missing.map((m) => m.metric)).size} metric(s) used but not exposed by the app:`);
  for (const { metric, where } of missing) console.error(`  ${metric}  (${where})`);
  return 1;
}

function main(args: string[]): number {
  if (args[0] === "--promql-rules" && args[1]) {
    writePromqlRules(args[1]);
    return 0;
  }
  if (args.length === 1 && args[0] && !args[0].startsWith("-")) return check(args[0]);
  console.error("usage: check-dashboard-metrics.ts <metrics-file> | --promql-rules <out.yml>");
  return 2;
}

process.exitCode = main(process.argv.slice(2));
