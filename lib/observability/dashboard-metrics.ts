/**
 * Which metric names the Grafana dashboards and Prometheus alert rules query, and which of them a
 * `/metrics` exposition provides. Pure functions; lib/tools/cli/check-dashboard-metrics.ts is the CLI.
 */

/** Series Prometheus itself attaches to every target or evaluates, never exposed by the app. */
export const PROMETHEUS_BUILTINS: ReadonlySet<string> = new Set([
  "up",
  "scrape_duration_seconds",
  "scrape_samples_scraped",
  "scrape_samples_post_metric_relabeling",
  "scrape_series_added",
  "ALERTS",
  "ALERTS_FOR_STATE",
]);

const PROMQL_KEYWORDS = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "bool",
  "and",
  "or",
  "unless",
  "offset",
  "atan2",
  "inf",
  "nan",
]);

const IDENTIFIER = /(?<![\w.:$])[a-zA-Z_:][\w:]*/g;

/**
 * Metric names an expression selects. Not a PromQL parser: it removes what cannot hold a metric name
 * (strings, label matchers, range selectors, grouping clauses) and keeps identifiers that are not
 * functions or keywords, which is exact for the query shapes dashboards and alerts use.
 */
export function metricNamesInExpr(expr: string): Set<string> {
  const names = new Set<string>();
  for (const match of expr.matchAll(/__name__\s*=\s*"([^"]+)"/g)) names.add(match[1] ?? "");
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  for (const match of stripped.matchAll(IDENTIFIER)) {
    const name = match[0];
    const rest = stripped.slice((match.index ?? 0) + name.length);
    if (/^\s*\(/.test(rest)) continue; // a function or aggregation call
    if (PROMQL_KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  names.delete("");
  return names;
}

/** A metric name used somewhere, with where (for the error message). */
export type MetricUse = { metric: string; where: string };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function datasourceType(value: Json | undefined): string | undefined {
  if (isObject(value) && typeof value.type === "string") return value.type;
  if (typeof value === "string") return value.toLowerCase().includes("loki") ? "loki" : undefined;
  return undefined;
}

/** `label_values(metric{...}, label)` and `query_result(expr)` in Grafana variable queries. */
function exprOfVariableQuery(query: string): string {
  const labelValues = /^\s*label_values\((.*),\s*[\w]+\s*\)\s*$/.exec(query);
  if (labelValues) return labelValues[1] ?? "";
  const queryResult = /^\s*query_result\((.*)\)\s*$/.exec(query);
  if (queryResult) return queryResult[1] ?? "";
  const metrics = /^\s*metrics\((.*)\)\s*$/.exec(query);
  if (metrics) return "";
  return query;
}

/** Every PromQL expression of a dashboard: panel targets (rows included) and query variables. */
export function promqlOfDashboard(parsed: unknown, file: string): { expr: string; where: string }[] {
  const out: { expr: string; where: string }[] = [];
  const dashboard = parsed as Json;
  if (!isObject(dashboard)) return out;
  const visitPanels = (panels: Json | undefined, inherited: Json | undefined) => {
    if (!Array.isArray(panels)) return;
    for (const panel of panels) {
      if (!isObject(panel)) continue;
      const panelSource = panel.datasource ?? inherited;
      const title = typeof panel.title === "string" ? panel.title : "untitled panel";
      if (Array.isArray(panel.targets)) {
        for (const target of panel.targets) {
          if (!isObject(target) || typeof target.expr !== "string") continue;
          if (datasourceType(target.datasource ?? panelSource) === "loki") continue;
          out.push({ expr: target.expr, where: `${file}: panel "${title}"` });
        }
      }
      visitPanels(panel.panels, panelSource);
    }
  };
  visitPanels(dashboard.panels, undefined);
  const templating = dashboard.templating;
  const variables = isObject(templating) ? templating.list : undefined;
  if (Array.isArray(variables)) {
    for (const variable of variables) {
      if (!isObject(variable) || variable.type !== "query") continue;
      if (datasourceType(variable.datasource) === "loki") continue;
      const query = isObject(variable.query) ? variable.query.query : variable.query;
      if (typeof query !== "string") continue;
      const name = typeof variable.name === "string" ? variable.name : "?";
      out.push({ expr: exprOfVariableQuery(query), where: `${file}: variable $${name}` });
    }
  }
  return out;
}

/** Every expression of a Prometheus rule file (already parsed from YAML). */
export function promqlOfRuleFile(rules: unknown, file: string): { expr: string; where: string }[] {
  const out: { expr: string; where: string }[] = [];
  const groups = (rules as { groups?: unknown } | null)?.groups;
  if (!Array.isArray(groups)) return out;
  for (const group of groups as { rules?: unknown }[]) {
    if (!Array.isArray(group?.rules)) continue;
    for (const rule of group.rules as { expr?: unknown; alert?: unknown; record?: unknown }[]) {
      if (typeof rule?.expr !== "string") continue;
      const name = typeof rule.alert === "string" ? rule.alert : String(rule.record ?? "?");
      out.push({ expr: rule.expr, where: `${file}: rule ${name}` });
    }
  }
  return out;
}

/**
 * Metric names an exposition provides. HELP/TYPE lines count: prom-client prints only them for a
 * labelled metric that has no observation yet, and the metric will appear once something happens.
 * Histograms and summaries also provide their `_bucket`, `_sum` and `_count` series.
 */
export function exposedMetricNames(exposition: string): Set<string> {
  const names = new Set<string>();
  const add = (name: string, type?: string) => {
    names.add(name);
    if (type === "histogram") for (const s of ["_bucket", "_sum", "_count"]) names.add(name + s);
    if (type === "summary") for (const s of ["_sum", "_count"]) names.add(name + s);
  };
  for (const line of exposition.split(/\r?\n/)) {
    const meta = /^#\s+(HELP|TYPE)\s+([a-zA-Z_:][\w:]*)(?:\s+(\S+))?/.exec(line);
    if (meta) {
      add(meta[2] ?? "", meta[1] === "TYPE" ? meta[3] : undefined);
      continue;
    }
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{|\s)/.exec(line);
    if (sample) add(sample[1] ?? "");
  }
  names.delete("");
  return names;
}

/** Uses whose metric the exposition does not provide, Prometheus built-ins excepted. */
export function missingMetrics(uses: readonly MetricUse[], exposed: ReadonlySet<string>): MetricUse[] {
  return uses.filter((use) => !exposed.has(use.metric) && !PROMETHEUS_BUILTINS.has(use.metric));
}

/** One entry per metric and place, however often the place's queries mention it. */
export function metricUses(queries: readonly { expr: string; where: string }[]): MetricUse[] {
  const seen = new Set<string>();
  return queries.flatMap(({ expr, where }) =>
    [...metricNamesInExpr(expr)]
      .filter((metric) => !seen.has(`${metric}\0${where}`) && seen.add(`${metric}\0${where}`))
      .map((metric) => ({ metric, where })),
  );
}

/**
 * A dashboard query made evaluable outside Grafana: template variables become a match-all regex and
 * Grafana's interval variables a fixed range, so promtool can check the syntax.
 */
export function withGrafanaVariablesResolved(expr: string): string {
  return expr
    .replace(/\$__(?:range|rate_interval|interval|range_s|range_ms|interval_ms)\b/g, "5m")
    .replace(/\$\{[\w:]+\}|\$\w+|\[\[\w+\]\]/g, ".*");
}
