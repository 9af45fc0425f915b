import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";
import { freePort } from "../../lib/server/free-port";
import { scaleDuration } from "./durations";

/**
 * Prometheus and Alertmanager (Debian's `prometheus` and `prometheus-alertmanager` binaries) started
 * by a test with the repository's configuration, rewritten for loopback targets and a faster clock.
 */

/** The first of `names` that is an executable on the PATH. */
export function findOnPath(...names: string[]): string | undefined {
  for (const name of names) {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
      const candidate = path.join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

export type MonitoringProcess = {
  url: string;
  port: number;
  output(): string;
  stop(): Promise<void>;
};

/** Starts `command` with `--web.listen-address` on a loopback port (default: a free one), waits for /-/ready. */
export async function startMonitoringProcess(
  name: string,
  command: string,
  args: string[],
  options: { port?: number; timeoutMs?: number } = {},
): Promise<MonitoringProcess> {
  const port = options.port ?? (await freePort());
  const timeoutMs = options.timeoutMs ?? 30_000;
  const child = spawn(command, [...args, `--web.listen-address=127.0.0.1:${port}`], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${name} exited with ${child.exitCode ?? child.signalCode}:\n${output}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (res) => res.ok,
      () => false,
    );
    if (ready) return { url, port, output: () => output, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} not ready in ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function fail(what: string): never {
  throw new Error(`the repository's monitoring configuration changed shape (${what}): adapt this test`);
}

type StaticConfig = { targets: string[] };
type ScrapeConfig = {
  job_name: string;
  scrape_interval?: string;
  scrape_timeout?: string;
  static_configs?: StaticConfig[];
  dns_sd_configs?: { names: string[] }[];
  authorization?: { type?: string; credentials_file?: string };
};
export type PrometheusConfig = {
  global: { scrape_interval: string; evaluation_interval: string } & Record<string, unknown>;
  rule_files: string[];
  alerting?: { alertmanagers: { static_configs: StaticConfig[] }[] };
  scrape_configs: ScrapeConfig[];
};

/**
 * docker/prometheus/prometheus.yml with every interval divided by `factor`, the app's DNS discovery
 * (`tasks.app`) replaced by `appTargets`, its bearer token read from `tokenFile`, and Alertmanager
 * and Prometheus itself at their loopback addresses. Fails when the file no longer has the shape
 * this rewrite expects, rather than testing something else.
 */
export function fastPrometheusConfig(
  source: PrometheusConfig,
  options: {
    factor: number;
    appTargets: string[];
    tokenFile: string;
    ruleFile: string;
    alertmanager: string;
    self: string;
  },
): PrometheusConfig {
  const config = structuredClone(source);
  const scale = (d: string) => scaleDuration(d, options.factor);
  config.global.scrape_interval = scale(config.global.scrape_interval);
  config.global.evaluation_interval = scale(config.global.evaluation_interval);
  if (config.rule_files?.join() !== "alerts.yml") fail("rule_files");
  config.rule_files = [options.ruleFile];
  const alertmanagers = config.alerting?.alertmanagers ?? [];
  if (
    alertmanagers.length !== 1 ||
    alertmanagers[0]?.static_configs[0]?.targets.join() !== "alertmanager:9093"
  )
    fail("alerting.alertmanagers");
  config.alerting = { alertmanagers: [{ static_configs: [{ targets: [options.alertmanager] }] }] };
  for (const job of config.scrape_configs) {
    if (job.scrape_interval) job.scrape_interval = scale(job.scrape_interval);
    if (job.scrape_timeout) job.scrape_timeout = scale(job.scrape_timeout);
    if (job.job_name === "minitwit") {
      if (!job.dns_sd_configs?.some((sd) => sd.names.includes("tasks.app"))) fail("minitwit dns_sd_configs");
      if (job.authorization?.credentials_file !== "/run/secrets/metrics_token")
        fail("minitwit authorization");
      delete job.dns_sd_configs;
      job.static_configs = [{ targets: options.appTargets }];
      job.authorization.credentials_file = options.tokenFile;
    } else if (job.job_name === "prometheus") {
      job.static_configs = [{ targets: [options.self] }];
    } else {
      fail(`scrape job ${job.job_name}`);
    }
  }
  return config;
}

type RuleFile = { groups: { name: string; interval?: string; rules: { alert?: string; for?: string }[] }[] };

/** An alert rule file with every `for:` (and group interval) divided by `factor`. */
export function fastRules(source: RuleFile, factor: number): RuleFile {
  const rules = structuredClone(source);
  for (const group of rules.groups) {
    if (group.interval) group.interval = scaleDuration(group.interval, factor);
    for (const rule of group.rules) if (rule.for) rule.for = scaleDuration(rule.for, factor);
  }
  return rules;
}

type Route = {
  receiver?: string;
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  routes?: Route[];
};
export type AlertmanagerConfig = { route: Route } & Record<string, unknown>;

/** A rendered alertmanager.yml with every route timing divided by `factor`. */
export function fastAlertmanagerConfig(source: AlertmanagerConfig, factor: number): AlertmanagerConfig {
  const config = structuredClone(source);
  const visit = (route: Route) => {
    for (const key of ["group_wait", "group_interval", "repeat_interval"] as const) {
      const value = route[key];
      if (value) route[key] = scaleDuration(value, factor);
    }
    route.routes?.forEach(visit);
  };
  visit(config.route);
  return config;
}
