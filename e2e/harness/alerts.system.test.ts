import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { createTestDatabase, type TestDatabase } from "../../lib/db/test-database";
import { freePort } from "../../lib/server/free-port";
import { parseDuration } from "./durations";
import {
  fastAlertmanagerConfig,
  fastPrometheusConfig,
  fastRules,
  findOnPath,
  startMonitoringProcess,
  type AlertmanagerConfig,
  type MonitoringProcess,
  type PrometheusConfig,
} from "./monitoring";
import { startTestServer, tempDir, type TestServer } from "./server";
import { startSmtpSink, type SmtpSink } from "./smtp-sink";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver";

/**
 * The whole alerting path, without Docker: two app instances scraped by a real Prometheus with the
 * repository's prometheus.yml and alerts.yml, alerts routed by a real Alertmanager with the
 * repository's alertmanager.yml and templates (rendered by the service's own entrypoint script), to
 * a local webhook standing in for the chat, an SMTP sink standing in for the mail provider, and the
 * same webhook's second path standing in for the dead man's switch.
 *
 * Every duration of that configuration (scrape and evaluation intervals, `for:`, Alertmanager's
 * group wait, group interval and repeat interval, Prometheus' resend delay) is divided by FACTOR, so
 * minutes of production behaviour take seconds. The bounds asserted below are the worst case the
 * configuration allows, divided by FACTOR, plus SLACK_MS for a loaded machine.
 */
const FACTOR = 15;
const SLACK_MS = 10_000;
const STARTUP_TIMEOUT_MS = 150_000;
const root = path.resolve(__dirname, "../..");
const GRAFANA_URL = "http://grafana.test:3001";

const prometheusBin = findOnPath("prometheus");
const alertmanagerBin = findOnPath("prometheus-alertmanager", "alertmanager");
const missing = [
  prometheusBin ? undefined : "prometheus (Debian package prometheus)",
  alertmanagerBin ? undefined : "prometheus-alertmanager (Debian package prometheus-alertmanager)",
].filter((m) => m !== undefined);
if (missing.length > 0) {
  console.warn(`alerts.system.test.ts SKIPPED: not on the PATH: ${missing.join(", ")}`);
}

type Notification = {
  channel: "chat" | "email" | "heartbeat";
  at: number;
  title: string;
  kind: string;
  status: "firing" | "resolved";
  alertname: string;
  instance?: string;
  /** Alerts in the notification. */
  count: number;
  text: string;
  link?: string;
  color?: string;
};

type SlackPayload = {
  attachments?: { title?: string; title_link?: string; text?: string; color?: string }[];
};

function parseTitle(
  title: string,
): Pick<Notification, "kind" | "status" | "alertname" | "instance" | "count"> {
  const match = /^\[(PAGE|TICKET|HEARTBEAT)\] (FIRING|RESOLVED)(?: (\d+)x)? (\S+)(?: on (\S+))?$/.exec(title);
  if (!match) throw new Error(`unexpected notification title: ${JSON.stringify(title)}`);
  const [, kind = "", status = "", count, alertname = "", instance] = match;
  return {
    kind,
    status: status === "FIRING" ? "firing" : "resolved",
    count: count ? Number(count) : 1,
    alertname,
    instance,
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** A test-clock duration as what it stands for at the repository's (production) timings. */
const production = (ms: number) => {
  const total = Math.round((ms * FACTOR) / 1000);
  return total >= 60 ? `${Math.floor(total / 60)} min ${total % 60} s` : `${total} s`;
};
const boundText = (bound: number) =>
  `bound ${seconds(bound)}: ${production(bound - SLACK_MS)} at production timings, plus ${seconds(SLACK_MS)} slack`;

describe.skipIf(missing.length > 0)(
  "alerts reach a person (Prometheus → Alertmanager → chat, e-mail)",
  () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    const timeline: string[] = [];
    let receiver: WebhookReceiver;
    let smtp: SmtpSink;
    let prometheus: MonitoringProcess;
    let alertmanager: MonitoringProcess;
    let database: TestDatabase | undefined;
    let startedAt = 0;
    const instances: { name: string; port: number; dataDir?: string; server?: TestServer }[] = [];
    const metricsToken = randomBytes(18).toString("hex");
    const email = { to: "oncall@example.test", from: "alerts@example.test", user: "alerts@example.test" };
    const smtpPassword = randomBytes(12).toString("hex");
    // The repository's timings, to state the bounds.
    let timings: {
      scrape: number;
      evaluation: number;
      instanceDownFor: number;
      noHealthyFor: number;
      ticketWait: number;
      pageWait: number;
      groupInterval: number;
    };

    function notifications(): Notification[] {
      const chat = receiver.received().flatMap(({ path: where, at, body }): Notification[] => {
        const attachment = (body as SlackPayload).attachments?.[0];
        if (!attachment?.title) return [];
        const channel = where === "/chat" ? "chat" : where === "/heartbeat" ? "heartbeat" : undefined;
        if (!channel) return [];
        return [
          {
            channel,
            at,
            title: attachment.title,
            ...parseTitle(attachment.title),
            text: attachment.text ?? "",
            link: attachment.title_link,
            color: attachment.color,
          },
        ];
      });
      const mails = smtp.received().map((mail): Notification => ({
        channel: "email",
        at: mail.at,
        title: mail.headers.subject ?? "",
        ...parseTitle(mail.headers.subject ?? ""),
        text: mail.text,
      }));
      return [...chat, ...mails].sort((a, b) => a.at - b.at);
    }

    const describeAll = () =>
      notifications()
        .map((n) => `  +${seconds(n.at - startedAt)} ${n.channel}: ${n.title}`)
        .join("\n") || "  (none)";

    async function waitFor(
      what: string,
      find: (all: Notification[]) => Notification | undefined,
      timeoutMs: number,
    ): Promise<Notification> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = find(notifications());
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(
            `no ${what} within ${seconds(timeoutMs)}; notifications so far:\n${describeAll()}\n` +
              `--- Prometheus:\n${prometheus.output().slice(-3000)}\n--- Alertmanager:\n${alertmanager.output().slice(-3000)}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    async function startInstance(instance: (typeof instances)[number]) {
      instance.server = await startTestServer({
        port: instance.port,
        databaseUrl: database?.url,
        dataDir: instance.dataDir,
        env: { METRICS_TOKEN: metricsToken, LOG_LEVEL: "warn" },
        // Two servers starting at once on a loaded 2-core machine took longer than the default 60 s.
        timeoutMs: STARTUP_TIMEOUT_MS,
      });
    }

    async function upByInstance(): Promise<Record<string, string>> {
      const res = await fetch(
        `${prometheus.url}/api/v1/query?query=${encodeURIComponent('up{job="minitwit"}')}`,
      );
      const body = (await res.json()) as {
        data: { result: { metric: { instance: string }; value: [number, string] }[] };
      };
      return Object.fromEntries(body.data.result.map((r) => [r.metric.instance, r.value[1]]));
    }

    type AmAlert = {
      labels: Record<string, string>;
      fingerprint: string;
      status: { state: string; inhibitedBy: string[] };
    };
    async function alertmanagerAlerts(alertname: string): Promise<AmAlert[]> {
      const filter = encodeURIComponent(`alertname="${alertname}"`);
      const res = await fetch(`${alertmanager.url}/api/v2/alerts?filter=${filter}`);
      return (await res.json()) as AmAlert[];
    }

    beforeAll(async () => {
      const work = await tempDir("minitwit-alerts-");
      cleanups.push(work.remove);
      receiver = await startWebhookReceiver();
      cleanups.push(() => receiver.close());
      smtp = await startSmtpSink();
      cleanups.push(() => smtp.close());

      // --- Alertmanager: the service's entrypoint renders the repository's template -----------------
      const secrets = {
        chat: path.join(work.dir, "alert_chat_webhook_url"),
        heartbeat: path.join(work.dir, "alert_heartbeat_url"),
        email: path.join(work.dir, "alert_email"),
        password: path.join(work.dir, "alert_smtp_password"),
      };
      // URLs written as `docker secret create` gets them from `echo`: with a final newline.
      await writeFile(secrets.chat, `${receiver.url}/chat\n`);
      await writeFile(secrets.heartbeat, `${receiver.url}/heartbeat\n`);
      await writeFile(
        secrets.email,
        [
          `ALERT_EMAIL_TO=${email.to}`,
          `ALERT_EMAIL_FROM=${email.from}`,
          `ALERT_SMTP_SMARTHOST=${smtp.host}:${smtp.port}`,
          `ALERT_SMTP_USERNAME=${email.user}`,
          // The sink speaks no TLS; production keeps the default (true).
          "ALERT_SMTP_REQUIRE_TLS=false",
          "",
        ].join("\n"),
      );
      // Alertmanager sends this file byte for byte (render-config.sh refuses a final newline).
      await writeFile(secrets.password, smtpPassword);
      const rendered = path.join(work.dir, "alertmanager");
      await promisify(execFile)(
        "sh",
        [
          path.join(root, "docker/alertmanager/render-config.sh"),
          path.join(root, "docker/alertmanager"),
          rendered,
        ],
        {
          env: {
            NODE_ENV: "test",
            PATH: process.env.PATH,
            GRAFANA_URL,
            ALERT_CHAT_WEBHOOK_URL_FILE: secrets.chat,
            ALERT_HEARTBEAT_URL_FILE: secrets.heartbeat,
            ALERT_EMAIL_FILE: secrets.email,
            ALERT_SMTP_PASSWORD_FILE: secrets.password,
          },
        },
      );
      const amFile = path.join(rendered, "alertmanager.yml");
      const amConfig = parseYaml(await readFile(amFile, "utf8")) as AlertmanagerConfig;
      await writeFile(amFile, stringifyYaml(fastAlertmanagerConfig(amConfig, FACTOR)));

      // --- Prometheus: the repository's scrape config and rules -----------------------------------------
      const promSource = parseYaml(
        await readFile(path.join(root, "docker/prometheus/prometheus.yml"), "utf8"),
      ) as PrometheusConfig;
      const rulesSource = parseYaml(
        await readFile(path.join(root, "docker/prometheus/alerts.yml"), "utf8"),
      ) as {
        groups: { name: string; rules: { alert?: string; for?: string }[] }[];
      };
      const ruleFor = (name: string) =>
        parseDuration(rulesSource.groups.flatMap((g) => g.rules).find((r) => r.alert === name)?.for ?? "0s");
      const routeWait = (receiverName: string) =>
        parseDuration(
          amConfig.route.routes?.find((r) => r.receiver === receiverName)?.group_wait ??
            amConfig.route.group_wait ??
            "0s",
        );
      const minitwitJob = promSource.scrape_configs.find((job) => job.job_name === "minitwit");
      timings = {
        scrape: parseDuration(minitwitJob?.scrape_interval ?? promSource.global.scrape_interval),
        evaluation: parseDuration(promSource.global.evaluation_interval),
        instanceDownFor: ruleFor("MinitwitInstanceDown"),
        noHealthyFor: ruleFor("MinitwitNoHealthyInstance"),
        ticketWait: routeWait("ticket"),
        pageWait: routeWait("page"),
        groupInterval: parseDuration(amConfig.route.group_interval ?? "0s"),
      };
      const rulesFile = path.join(work.dir, "alerts.yml");
      await writeFile(rulesFile, stringifyYaml(fastRules(rulesSource, FACTOR)));
      const tokenFile = path.join(work.dir, "metrics_token");
      await writeFile(tokenFile, `${metricsToken}\n`);

      // --- two app instances, like the two replicas of production ----------------------------------------
      if (process.env.TEST_DATABASE_URL) {
        database = await createTestDatabase({ migrate: false });
        cleanups.push(() => database!.dispose());
      }
      for (const name of ["A", "B"]) {
        const data = database ? undefined : await tempDir(`minitwit-alerts-${name}-`);
        if (data) cleanups.push(data.remove);
        instances.push({ name, port: await freePort(), dataDir: data?.dir });
      }
      cleanups.push(() => Promise.all(instances.map((i) => i.server?.stop("SIGKILL"))));
      await Promise.all(instances.map(startInstance));

      alertmanager = await startMonitoringProcess("alertmanager", alertmanagerBin!, [
        `--config.file=${amFile}`,
        `--storage.path=${path.join(work.dir, "alertmanager-data")}`,
        "--cluster.listen-address=",
      ]);
      cleanups.push(() => alertmanager.stop());
      const promPort = await freePort();
      const promFile = path.join(work.dir, "prometheus.yml");
      await writeFile(
        promFile,
        stringifyYaml(
          fastPrometheusConfig(promSource, {
            factor: FACTOR,
            appTargets: instances.map((i) => `127.0.0.1:${i.port}`),
            tokenFile,
            ruleFile: rulesFile,
            alertmanager: `127.0.0.1:${alertmanager.port}`,
            self: `127.0.0.1:${promPort}`,
          }),
        ),
      );
      prometheus = await startMonitoringProcess(
        "prometheus",
        prometheusBin!,
        [
          `--config.file=${promFile}`,
          `--storage.tsdb.path=${path.join(work.dir, "prometheus-data")}`,
          // Firing alerts are re-sent every minute in production; on the same faster clock here.
          `--rules.alert.resend-delay=${Math.round(60_000 / FACTOR)}ms`,
        ],
        { port: promPort },
      );
      cleanups.push(() => prometheus.stop());

      // Both instances scraped with the bearer token before anything is broken.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const up = await upByInstance();
        if (instances.every((i) => up[`127.0.0.1:${i.port}`] === "1")) break;
        if (Date.now() > deadline)
          throw new Error(
            `instances not scraped as up: ${JSON.stringify(up)}\n${prometheus.output().slice(-3000)}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      startedAt = Date.now();
    }, 3 * STARTUP_TIMEOUT_MS);

    afterAll(async () => {
      if (timeline.length > 0) {
        console.log(
          `\nNotification timeline (every configured duration ÷${FACTOR}; [production equivalent]):\n` +
            timeline.map((line) => `  ${line}`).join("\n") +
            `\nAll notifications:\n${describeAll()}\n`,
        );
      }
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
    }, 60_000);

    it(
      "kill one instance: chat gets MinitwitInstanceDown for that instance, once, with summary, instance and dashboard link",
      async () => {
        const [a, b] = instances;
        const target = `127.0.0.1:${a!.port}`;
        const killedAt = Date.now();
        expect(await a!.server!.stop("SIGKILL")).toBeNull();
        const bound =
          (timings.scrape + 2 * timings.evaluation + timings.instanceDownFor + timings.ticketWait) / FACTOR +
          SLACK_MS;
        const firing = await waitFor(
          `MinitwitInstanceDown for ${target}`,
          (all) =>
            all.find(
              (n) =>
                n.channel === "chat" &&
                n.alertname === "MinitwitInstanceDown" &&
                n.status === "firing" &&
                n.at >= killedAt,
            ),
          bound,
        );
        timeline.push(
          `MinitwitInstanceDown ${target}: received after ${seconds(firing.at - killedAt)} ` +
            `[${production(firing.at - killedAt)}] (SIGKILL → chat; ${boundText(bound)})`,
        );
        expect(firing).toMatchObject({ kind: "TICKET", instance: target, count: 1, color: "warning" });
        expect(firing.link).toBe(`${GRAFANA_URL}/d/minitwit-instances`);
        expect(firing.text).toContain(`Minitwit instance ${target} is not answering scrapes`);
        expect(firing.text).toContain(`Instance: ${target}\n`);
        expect(firing.text).toContain(`Dashboard: ${GRAFANA_URL}/d/minitwit-instances\n`);

        // Start it again (same port, same data): the same alert resolves, in its own message.
        const restartedAt = Date.now();
        await startInstance(a!);
        const readyAt = Date.now();
        const resolveBound =
          (timings.scrape + 2 * timings.evaluation + timings.groupInterval) / FACTOR + SLACK_MS;
        const resolved = await waitFor(
          `resolved MinitwitInstanceDown for ${target}`,
          (all) =>
            all.find(
              (n) =>
                n.channel === "chat" && n.alertname === "MinitwitInstanceDown" && n.status === "resolved",
            ),
          resolveBound,
        );
        // Prometheus may scrape /metrics before /readyz turns 200 (the warm-up runs in between).
        timeline.push(
          `MinitwitInstanceDown ${target}: resolved after ${seconds(resolved.at - restartedAt)} from the restart ` +
            `(ready after ${seconds(readyAt - restartedAt)}; from ready ${boundText(resolveBound)})`,
        );
        expect(resolved).toMatchObject({ kind: "TICKET", instance: target, count: 1, color: "good" });
        expect(resolved.text).toMatch(/resolved \d{4}-\d\d-\d\d /);

        // Once: one firing and one resolved message about it, nothing about the other instance, no e-mail.
        const during = notifications().filter((n) => n.at >= killedAt && n.channel !== "heartbeat");
        expect(during.map((n) => `${n.channel} ${n.title}`)).toEqual([
          `chat [TICKET] FIRING MinitwitInstanceDown on ${target}`,
          `chat [TICKET] RESOLVED MinitwitInstanceDown on ${target}`,
        ]);
        expect(during.some((n) => n.instance === `127.0.0.1:${b!.port}`)).toBe(false);
      },
      2 * STARTUP_TIMEOUT_MS,
    );

    it("stop both: MinitwitNoHealthyInstance is paged by chat and e-mail, and the per-instance alerts are inhibited", async () => {
      const stoppedAt = Date.now();
      expect(await Promise.all(instances.map((i) => i.server!.stop("SIGTERM")))).toEqual([0, 0]);
      // Until a draining server has exited it may still answer scrapes: the bound starts when both
      // processes are gone.
      const exitedAt = Date.now();
      const bound =
        (timings.scrape + 2 * timings.evaluation + timings.noHealthyFor + timings.pageWait) / FACTOR +
        SLACK_MS;
      const page = await waitFor(
        "MinitwitNoHealthyInstance in chat",
        (all) =>
          all.find(
            (n) => n.channel === "chat" && n.alertname === "MinitwitNoHealthyInstance" && n.at >= exitedAt,
          ),
        bound,
      );
      const mail = await waitFor(
        "MinitwitNoHealthyInstance by e-mail",
        (all) => all.find((n) => n.channel === "email" && n.alertname === "MinitwitNoHealthyInstance"),
        bound,
      );
      expect(page).toMatchObject({ kind: "PAGE", status: "firing", instance: undefined, color: "danger" });
      expect(page.text).toContain("No Minitwit instance is being scraped successfully");
      expect(page.text).toContain("Instance: all instances\n");
      expect(page.link).toBe(`${GRAFANA_URL}/d/minitwit-instances`);
      expect(mail.title).toBe("[PAGE] FIRING MinitwitNoHealthyInstance");
      expect(mail.text).toContain("No Minitwit instance is being scraped successfully");
      expect(mail.text).toContain(`Dashboard: ${GRAFANA_URL}/d/minitwit-instances`);
      const [received] = smtp.received();
      expect(smtp.received()).toHaveLength(1);
      expect(received).toMatchObject({
        from: email.from,
        to: [email.to],
        auth: { username: email.user, password: smtpPassword },
      });

      // Both per-instance alerts reach Alertmanager (they fire a `for` later) and are held back there.
      const source = (await alertmanagerAlerts("MinitwitNoHealthyInstance"))[0];
      expect(source?.status.state).toBe("active");
      const targets = instances.map((i) => `127.0.0.1:${i.port}`).sort();
      const deadline = Date.now() + (timings.instanceDownFor + 2 * timings.evaluation) / FACTOR + SLACK_MS;
      let inhibited: AmAlert[] = [];
      for (;;) {
        inhibited = (await alertmanagerAlerts("MinitwitInstanceDown")).filter(
          (alert) =>
            alert.status.state === "suppressed" && alert.status.inhibitedBy.includes(source!.fingerprint),
        );
        if (inhibited.length === targets.length) break;
        if (Date.now() > deadline)
          throw new Error(
            `per-instance alerts not inhibited: ${JSON.stringify(await alertmanagerAlerts("MinitwitInstanceDown"))}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(inhibited.map((alert) => alert.labels.instance).sort()).toEqual(targets);
      const inhibitedAt = Date.now();
      // Past their group wait (when they would have been sent) and one group interval more: nothing.
      await new Promise((resolve) =>
        setTimeout(resolve, (timings.ticketWait + timings.groupInterval) / FACTOR + 2000),
      );
      const sent = notifications().filter((n) => n.at >= stoppedAt && n.channel !== "heartbeat");
      expect(sent.map((n) => `${n.channel} ${n.title}`)).toEqual([
        "chat [PAGE] FIRING MinitwitNoHealthyInstance",
        "email [PAGE] FIRING MinitwitNoHealthyInstance",
      ]);
      timeline.push(
        `MinitwitNoHealthyInstance: received after ${seconds(page.at - exitedAt)} [${production(page.at - exitedAt)}] ` +
          `(both exited → chat, ${seconds(exitedAt - stoppedAt)} after SIGTERM; e-mail after ` +
          `${seconds(mail.at - exitedAt)}; ${boundText(bound)})`,
        `MinitwitInstanceDown ${targets.join(", ")}: inhibited (suppressed in Alertmanager ` +
          `${seconds(inhibitedAt - exitedAt)} after the exit; nothing sent in the ${seconds(Date.now() - inhibitedAt)} after)`,
      );
    });

    it("the heartbeat pings the dead man's switch, repeatedly, and never the chat", () => {
      const pings = notifications().filter((n) => n.channel === "heartbeat");
      expect(pings.length).toBeGreaterThanOrEqual(2);
      expect(pings.every((n) => n.alertname === "MinitwitHeartbeat" && n.kind === "HEARTBEAT")).toBe(true);
      expect(
        notifications().some((n) => n.channel !== "heartbeat" && n.alertname === "MinitwitHeartbeat"),
      ).toBe(false);
      const gaps = pings.slice(1).map((n, i) => n.at - pings[i]!.at);
      const mean = gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length;
      timeline.push(
        `MinitwitHeartbeat: ${pings.length} pings to the dead man's switch, one every ${seconds(mean)} ` +
          `[${production(mean)}] on average`,
      );
    });
  },
);
