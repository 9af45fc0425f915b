import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { fastAlertmanagerConfig, fastPrometheusConfig, fastRules, type PrometheusConfig } from "./monitoring";

const root = path.resolve(__dirname, "../..");
const yaml = (file: string): unknown => parseYaml(readFileSync(path.join(root, file), "utf8"));
const options = {
  factor: 15,
  appTargets: ["127.0.0.1:1001", "127.0.0.1:1002"],
  tokenFile: "/tmp/token",
  ruleFile: "/tmp/alerts.yml",
  alertmanager: "127.0.0.1:2001",
  self: "127.0.0.1:2002",
};

describe("the repository's monitoring configuration on a faster clock, for the alerting system test", () => {
  it("points prometheus.yml at loopback targets and divides its intervals", () => {
    const config = fastPrometheusConfig(
      yaml("docker/prometheus/prometheus.yml") as PrometheusConfig,
      options,
    );
    expect(config.global).toMatchObject({ scrape_interval: "1000ms", evaluation_interval: "1000ms" });
    expect(config.rule_files).toEqual(["/tmp/alerts.yml"]);
    expect(config.alerting).toEqual({
      alertmanagers: [{ static_configs: [{ targets: ["127.0.0.1:2001"] }] }],
    });
    const app = config.scrape_configs.find((job) => job.job_name === "minitwit");
    expect(app).toMatchObject({
      scrape_interval: "667ms",
      scrape_timeout: "333ms",
      static_configs: [{ targets: options.appTargets }],
      authorization: { type: "Bearer", credentials_file: "/tmp/token" },
    });
    expect(app).not.toHaveProperty("dns_sd_configs");
  });

  it("refuses a prometheus.yml whose shape it does not know, instead of testing something else", () => {
    const source = yaml("docker/prometheus/prometheus.yml") as PrometheusConfig;
    expect(() => fastPrometheusConfig({ ...source, alerting: undefined }, options)).toThrow(/changed shape/);
    const renamed = structuredClone(source);
    renamed.scrape_configs.push({ job_name: "node" });
    expect(() => fastPrometheusConfig(renamed, options)).toThrow(/scrape job node/);
  });

  it("divides every `for:` of alerts.yml and every route timing of alertmanager.yml", () => {
    const rules = fastRules(yaml("docker/prometheus/alerts.yml") as Parameters<typeof fastRules>[0], 15);
    const durations = Object.fromEntries(
      rules.groups.flatMap((g) => g.rules).map((rule) => [rule.alert, rule.for]),
    );
    expect(durations).toMatchObject({ MinitwitInstanceDown: "4000ms", MinitwitNoHealthyInstance: "2000ms" });
    const am = fastAlertmanagerConfig(
      {
        route: {
          group_wait: "30s",
          group_interval: "2m",
          repeat_interval: "12h",
          routes: [{ receiver: "page", group_wait: "10s" }],
        },
      },
      15,
    );
    expect(am.route).toEqual({
      group_wait: "2000ms",
      group_interval: "8000ms",
      repeat_interval: "2880000ms",
      routes: [{ receiver: "page", group_wait: "667ms" }],
    });
  });
});
