/**
 * The Swarm stack run for real on this machine (`npm run test:swarm`, as root, with Docker's engine):
 * builds the app and its image from local base images (docker/local-images.sh, no registry), makes a
 * single-node swarm, deploys docker/stack.yml with docker/deploy.sh (the proxy, 3 app replicas,
 * PostgreSQL, the migration job, Prometheus), and under the course's simulator load through the
 * proxy on this host's own address (a new connection per request, 0.3 s timeout) checks:
 *   - a rolling update to a new image tag (start-first): no request fails;
 *   - an update to an image whose health check fails: Swarm rolls back by itself, no request fails;
 *   - `docker kill` of one app task: Swarm replaces it, and no acknowledged write is missing from
 *     the database afterwards;
 *   - Prometheus scrapes the three replicas through `tasks.app` and has loaded the alert rules;
 *   - the app logs the client's address as the proxy saw it, not the proxy's.
 * Prints a summary; exits 1 when a check failed. It leaves the machine as it found it: the stack,
 * its secrets and volumes removed, the swarm left, its image tags removed, and dockerd stopped if it
 * started it. It refuses to run on a machine that is already part of a swarm.
 *
 * Options: --no-build reuses the existing production build (.next, dist). Environment:
 * LOCAL_IMAGES_CACHE (passed to docker/local-images.sh: reuse the debootstrap root file systems),
 * SWARM_KEEP=1 leaves everything running for inspection (clean up with `docker stack rm minitwit`,
 * `docker swarm leave --force`).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { parse, parseDocument } from "yaml";

import { run } from "@/lib/tools/cli/run";
import { generateScenario } from "@/lib/tools/simulator/generate";
import { runScenario } from "@/lib/tools/simulator/runner";
import type { Action } from "@/lib/tools/simulator/scenario";

const root = path.resolve(import.meta.dirname, "../../..");
const docker = path.join(root, "docker");
const STACK = "minitwit";
const IMAGE = "minitwit-swarm-test";
const LOCAL_PREFIX = "minitwit-local";
const LOCAL_IMAGES = [
  `${LOCAL_PREFIX}/node:24.22.3`,
  `${LOCAL_PREFIX}/postgres:15`,
  `${LOCAL_PREFIX}/caddy:bookworm`,
  `${LOCAL_PREFIX}/prometheus:bookworm`,
];
/** The services there are images for here; Grafana, Loki, Alloy and Alertmanager stay static. */
const DEPLOYED = ["proxy", "app", "postgres", "prometheus"];
const REPLICAS = 3;
/**
 * This host's own address on its network (not loopback, not a Docker bridge): the load and the probes
 * go to the proxy through it, so their packets keep it as their source. A connection to 127.0.0.1
 * would reach a host-mode port through Docker's userland proxy instead, which connects from the
 * docker_gwbridge gateway: the app could then only log that address, whatever the client was.
 * Falls back to 127.0.0.1 on a host with no such address.
 */
function hostAddress(): string {
  for (const [name, addresses] of Object.entries(networkInterfaces())) {
    if (name === "lo" || /^(docker|br-|veth|docker_gwbridge)/.test(name)) continue;
    const v4 = addresses?.find((address) => address.family === "IPv4" && !address.internal);
    if (v4) return v4.address;
  }
  return "127.0.0.1";
}
const CLIENT_ADDRESS = hostAddress();
const PROXY = `http://${CLIENT_ADDRESS}`;
const PROMETHEUS = "http://127.0.0.1:9090";
const SECRETS = [
  "database_url",
  "owner_database_url",
  "postgres_password",
  "auth_secret",
  "simulator_password",
  "metrics_token",
  "grafana_admin_password",
  "alert_chat_webhook_url",
  "alert_heartbeat_url",
  "alert_email",
  "alert_smtp_password",
];

const started = Date.now();
function log(message: string): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  console.log(`[test:swarm ${seconds}s] ${message}`);
}

class CheckFailed extends Error {}

async function dockerOut(...args: string[]): Promise<string> {
  return (await run("docker", args)).stdout.trim();
}

async function until<T>(what: string, seconds: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(1000);
  }
  throw new CheckFailed(`${what}: not reached within ${seconds} s${last ? ` (${String(last)})` : ""}`);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "0.0.0.0", () => server.close(() => resolve(true)));
  });
}

// --- load -----------------------------------------------------------------------------------------

/**
 * Errors of a phase, in three kinds: `timeouts` (no complete answer within the course's 0.3 s; the
 * warm-up phase shows whether the machine meets that without any deployment going on), `followOn` (a
 * 404 for a user whose registration had failed earlier in the same chunk: a consequence, not a second
 * fault), and `failures` (everything else: refused or reset connections, 5xx, wrong answers). While a
 * deployment runs (the rolling update, the rollback) there must be neither failures nor time-outs: the
 * simulator counts a time-out as an error like any other.
 */
type PhaseStats = {
  requests: number;
  errors: number;
  timeouts: number;
  followOn: number;
  failures: number;
  kinds: Record<string, number>;
};

/**
 * The simulator's replay, chunk after chunk, until stopped: each chunk a fresh generated scenario
 * with its own users. Counts requests and errors per phase, and remembers every acknowledged write
 * (a registration or tweet answered 204) to look for in the database afterwards.
 */
class Load {
  readonly phases = new Map<string, PhaseStats>();
  readonly acknowledgedTweets: { username: string; content: string; phase: string }[] = [];
  readonly acknowledgedUsers = new Set<string>();
  private current = "warm-up";
  private stopping = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly password: string) {}

  phase(name: string): void {
    this.current = name;
    this.stats(name);
  }

  private stats(name: string): PhaseStats {
    let stats = this.phases.get(name);
    if (!stats) {
      stats = { requests: 0, errors: 0, timeouts: 0, followOn: 0, failures: 0, kinds: {} };
      this.phases.set(name, stats);
    }
    return stats;
  }

  start(): void {
    this.loop = (async () => {
      for (let chunk = 1; !this.stopping; chunk++) await this.chunk(chunk);
    })();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
  }

  private async chunk(chunk: number): Promise<void> {
    // About 25 requests a second: the course's rules per request, at a rate two shared cores can
    // serve while Swarm starts replacement tasks beside the load.
    const actions = [...generateScenario({ actions: 120, users: 6, seed: chunk, meanDelayMs: 40 })];
    const suffix = ` s${chunk}`;
    const failed = new Set<number>();
    const phase = this.current;
    const byId = new Map(actions.map((action) => [action.id, action]));
    const unregistered = new Set<string>();
    await runScenario({
      baseUrl: `${PROXY}/sim`,
      actions,
      timeoutMs: 300,
      speedup: 1,
      credentials: { username: "simulator", password: this.password },
      usernameSuffix: suffix,
      onProgress: () => {
        this.stats(this.current).requests++;
      },
      onError: (error) => {
        failed.add(error.latest);
        const stats = this.stats(this.current);
        stats.errors++;
        stats.kinds[error.kind] = (stats.kinds[error.kind] ?? 0) + 1;
        const action = byId.get(error.latest);
        const target = action && "target" in action ? action.target : undefined;
        if (action?.command === "register") unregistered.add(action.username);
        if (error.kind === "ReadTimeout" || error.kind === "ConnectTimeout") stats.timeouts++;
        else if (
          error.kind === "404" &&
          action !== undefined &&
          (unregistered.has(action.username) || (target !== undefined && unregistered.has(target)))
        ) {
          stats.followOn++;
        } else stats.failures++;
      },
    });
    for (const action of actions) this.remember(action, suffix, failed, phase);
  }

  private remember(action: Action, suffix: string, failed: Set<number>, phase: string): void {
    if (failed.has(action.id)) return;
    if (action.command === "register") this.acknowledgedUsers.add(action.username + suffix);
    if (action.command === "tweet") {
      this.acknowledgedTweets.push({ username: action.username + suffix, content: action.content, phase });
    }
  }
}

// --- the machine: dockerd, swarm, images ----------------------------------------------------------

type Cleanup = { what: string; undo: () => Promise<unknown> };
const cleanups: Cleanup[] = [];
function onCleanup(what: string, undo: () => Promise<unknown>): void {
  cleanups.push({ what, undo });
}

async function ensureDockerd(work: string): Promise<void> {
  if ((await run("docker", ["info"], { allowFail: true })).code === 0) return;
  log("no Docker engine answers: starting dockerd");
  const out = openSync(path.join(work, "dockerd.log"), "a");
  const daemon = spawn("dockerd", [], { detached: true, stdio: ["ignore", out, out] });
  const exited = new Promise<void>((resolve) => daemon.once("exit", () => resolve()));
  daemon.unref();
  onCleanup("dockerd (started by this test)", async () => {
    daemon.kill("SIGTERM");
    await Promise.race([exited, sleep(30_000)]);
  });
  await until("dockerd answering", 60, async () =>
    (await run("docker", ["info"], { allowFail: true })).code === 0 ? true : undefined,
  );
}

async function buildImages(work: string, build: boolean): Promise<void> {
  if (build) {
    log("production build (npm run build, npm run build:server)");
    await run("npm", ["run", "--silent", "build"]);
    await run("npm", ["run", "--silent", "build:server"]);
  }
  const runtime = path.join(work, "runtime");
  await run("bash", [path.join(docker, "assemble-runtime.sh"), runtime]);

  // Tags that were here before stay (rebuilt); the images they named before are removed once untagged.
  const before = new Map(
    (await dockerOut("image", "ls", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"))
      .split("\n")
      .map((line) => line.split(" ") as [string, string]),
  );
  log("local base images (docker/local-images.sh)");
  onCleanup("local base image tags", () =>
    run("docker", ["rmi", "-f", ...LOCAL_IMAGES.filter((tag) => !before.has(tag))], { allowFail: true }),
  );
  await run("bash", [path.join(docker, "local-images.sh")], { echo: true });
  for (const tag of LOCAL_IMAGES) {
    const old = before.get(tag);
    if (old && (await dockerOut("image", "ls", "-q", tag)) !== old) {
      await run("docker", ["rmi", old], { allowFail: true });
    }
  }

  onCleanup("app image tags", () =>
    run("docker", ["rmi", "-f", `${IMAGE}:1`, `${IMAGE}:2`, `${IMAGE}:broken`], { allowFail: true }),
  );
  for (const tag of ["1", "2"]) {
    log(`app image ${IMAGE}:${tag} (docker/Dockerfile --target prebuilt)`);
    await run("docker", [
      "build",
      "-q",
      "-f",
      path.join(docker, "Dockerfile"),
      "--target",
      "prebuilt",
      "--build-arg",
      `BASE_IMAGE=${LOCAL_PREFIX}/node:24.22.3`,
      "--build-arg",
      `VERSION=${tag}`,
      "-t",
      `${IMAGE}:${tag}`,
      runtime,
    ]);
  }
  // Serves like 2, but its health probe always fails: Swarm must never let it replace a task.
  await run("docker", ["build", "-q", "-t", `${IMAGE}:broken`, "-"], {
    input: `FROM ${IMAGE}:2\nRUN echo 'process.exit(1)' > docker/healthcheck.mjs\n`,
  });
}

/** docker/stack.yml without the services there are no images for here; variables left to deploy.sh. */
function stackFile(work: string): string {
  const doc = parseDocument(readFileSync(path.join(docker, "stack.yml"), "utf8"));
  const services = doc.get("services") as { items: { key: { value: string } }[] };
  for (const name of services.items.map((item) => item.key.value)) {
    if (!DEPLOYED.includes(name)) doc.deleteIn(["services", name]);
  }
  const configs = doc.get("configs") as { items: { key: { value: string } }[] };
  const text = String(doc);
  for (const name of configs.items.map((item) => item.key.value)) {
    if (!new RegExp(`source: ${name}\\b`).test(text)) doc.deleteIn(["configs", name]);
    else
      doc.setIn(["configs", name, "file"], path.join(docker, String(doc.getIn(["configs", name, "file"]))));
  }
  const file = path.join(work, "stack.yml");
  writeFileSync(file, String(doc));
  return file;
}

// --- checks ---------------------------------------------------------------------------------------

async function serves(password: string): Promise<void> {
  const checks: [string, () => Promise<Response>, (response: Response, body: string) => boolean][] = [
    ["GET /public (a page)", () => fetch(`${PROXY}/public`), (r, body) => r.ok && body.includes("<html")],
    [
      "POST /api/graphql",
      () =>
        fetch(`${PROXY}/api/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", "apollo-require-preflight": "true" },
          body: JSON.stringify({ query: "{ __typename }" }),
        }),
      (r, body) => r.ok && body.includes('"__typename"'),
    ],
    [
      "GET /sim/latest",
      () =>
        fetch(`${PROXY}/sim/latest`, {
          headers: { authorization: `Basic ${Buffer.from(`simulator:${password}`).toString("base64")}` },
        }),
      (r, body) => r.ok && body.includes("latest"),
    ],
  ];
  for (const [name, request, ok] of checks) {
    const response = await request();
    const body = await response.text();
    if (!ok(response, body)) throw new CheckFailed(`${name}: ${response.status} ${body.slice(0, 200)}`);
    log(`serves ${name}: ${response.status}`);
  }
}

async function appTasks(): Promise<{ id: string; image: string; state: string }[]> {
  const out = await dockerOut(
    "service",
    "ps",
    `${STACK}_app`,
    "--filter",
    "desired-state=running",
    "--format",
    "{{.ID}} {{.Image}} {{.CurrentState}}",
  );
  return out
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [id, image, ...state] = line.split(" ");
      return { id: id!, image: image!, state: state.join(" ") };
    });
}

/** The app's running containers on this node that Docker reports healthy. */
async function healthyAppContainers(): Promise<string[]> {
  const out = await dockerOut(
    "ps",
    "--filter",
    `label=com.docker.swarm.service.name=${STACK}_app`,
    "--filter",
    "health=healthy",
    "--format",
    "{{.ID}}",
  );
  return out.split("\n").filter(Boolean);
}

async function converged(image: string): Promise<void> {
  await until(`${REPLICAS} healthy app tasks of ${image}`, 180, async () => {
    const tasks = await appTasks();
    const running = tasks.filter((task) => task.state.startsWith("Running") && task.image.startsWith(image));
    const healthy = await healthyAppContainers();
    return running.length === REPLICAS && tasks.length === REPLICAS && healthy.length === REPLICAS
      ? true
      : undefined;
  });
}

async function updateState(): Promise<string> {
  return dockerOut(
    "service",
    "inspect",
    "--format",
    "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}",
    `${STACK}_app`,
  );
}

async function postgresContainer(): Promise<string> {
  return until("the PostgreSQL container", 30, async () => {
    const id = await dockerOut(
      "ps",
      "-q",
      "--filter",
      `label=com.docker.swarm.service.name=${STACK}_postgres`,
    );
    return id.split("\n")[0] || undefined;
  });
}

/** One statement through `psql` in the stack's PostgreSQL container, as the owner; unaligned output. */
async function psqlQuery(sql: string): Promise<string> {
  const pg = await postgresContainer();
  return (
    await run("docker", [
      "exec",
      "-e",
      "PGCLIENTENCODING=UTF8",
      pg,
      "psql",
      "-U",
      "minitwit",
      "-d",
      "minitwit",
      "-At",
      "-F",
      "\t",
      "-c",
      sql,
    ])
  ).stdout;
}

/**
 * The app serves as its own role, made by the migration job, which is not a superuser (so it cannot
 * take the slots PostgreSQL reserves for operators); no app connection uses the owner's role.
 */
async function appDatabaseRoles(): Promise<string[]> {
  const problems: string[] = [];
  const rows = JSON.parse(
    (
      await psqlQuery(
        `SELECT coalesce(json_agg(json_build_array(a.usename, r.rolsuper, a.application_name)), '[]')
           FROM pg_stat_activity a JOIN pg_roles r ON r.rolname = a.usename
          WHERE a.datname = 'minitwit' AND a.backend_type = 'client backend' AND a.pid <> pg_backend_pid()`,
      )
    ).trim(),
  ) as [string, boolean, string][];
  const app = rows.filter(([user]) => user === "minitwit_app");
  if (app.length === 0) problems.push("no connection of the app's role minitwit_app");
  if (app.some(([, superuser]) => superuser)) problems.push("the app's role minitwit_app is a superuser");
  const owner = rows.filter(
    ([user, , name]) => user !== "minitwit_app" && !["pg_dump", "psql"].includes(name),
  );
  if (owner.length > 0) problems.push(`connections as another role: ${JSON.stringify(owner.slice(0, 3))}`);
  return problems;
}

async function lostWrites(load: Load): Promise<{ checked: number; lost: string[] }> {
  // As JSON, so that no text can be mistaken for a separator or changed by the terminal format.
  const rows = JSON.parse(
    (await psqlQuery("SELECT coalesce(json_agg(json_build_array(username, id)), '[]') FROM users")).trim(),
  ) as [string, number][];
  const userIds = new Map(rows);
  const messages = JSON.parse(
    (
      await psqlQuery("SELECT coalesce(json_agg(json_build_array(author_id, text)), '[]') FROM messages")
    ).trim(),
  ) as [number, string][];
  const stored = new Set(messages.map(([author, text]) => `${author}\u0000${text}`));
  const lost: string[] = [];
  for (const user of load.acknowledgedUsers) if (!userIds.has(user)) lost.push(`user ${user}`);
  for (const tweet of load.acknowledgedTweets) {
    const author = userIds.get(tweet.username);
    if (author === undefined || !stored.has(`${author}\u0000${tweet.content}`)) {
      const theirs = messages.filter(([id]) => id === author).length;
      lost.push(
        `tweet of ${tweet.username} (${tweet.phase}; ${author === undefined ? "no such user" : `${theirs} of theirs stored`}): ${JSON.stringify(tweet.content)}`,
      );
    }
  }
  return { checked: load.acknowledgedUsers.size + load.acknowledgedTweets.length, lost };
}

async function prometheusTargets(): Promise<number> {
  return until(`Prometheus scraping ${REPLICAS} app replicas (up)`, 120, async () => {
    const body = (await (await fetch(`${PROMETHEUS}/api/v1/targets?state=active`)).json()) as {
      data: { activeTargets: { labels: { job: string }; health: string }[] };
    };
    const app = body.data.activeTargets.filter((target) => target.labels.job === "minitwit");
    const up = app.filter((target) => target.health === "up").length;
    return app.length === REPLICAS && up === REPLICAS ? up : undefined;
  });
}

async function prometheusRules(): Promise<{ loaded: number; expected: number }> {
  const alerts = parse(readFileSync(path.join(docker, "prometheus/alerts.yml"), "utf8")) as {
    groups: { rules: unknown[] }[];
  };
  const expected = alerts.groups.reduce((sum, group) => sum + group.rules.length, 0);
  const body = (await (await fetch(`${PROMETHEUS}/api/v1/rules`)).json()) as {
    data: { groups: { rules: { health: string }[] }[] };
  };
  const rules = body.data.groups.flatMap((group) => group.rules);
  const loaded = rules.filter((rule) => rule.health !== "err").length;
  return { loaded, expected };
}

/**
 * The client addresses the app's running tasks logged for /sim requests. Read with `docker logs` per
 * container: `docker service logs` of Debian's engine (20.10) can hang on a service with replaced tasks.
 */
async function loggedClients(): Promise<Map<string, number>> {
  const ids = (await dockerOut("ps", "-q", "--filter", `label=com.docker.swarm.service.name=${STACK}_app`))
    .split("\n")
    .filter(Boolean);
  let text = "";
  for (const id of ids) {
    const out = await run("docker", ["logs", id], { allowFail: true });
    text += `${out.stdout}\n${out.stderr}\n`;
  }
  const counts = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; path?: string; client?: string };
      if (entry.msg === "request" && entry.path?.startsWith("/sim/") && entry.client) {
        counts.set(entry.client, (counts.get(entry.client) ?? 0) + 1);
      }
    } catch {
      // not a log line of the app
    }
  }
  return counts;
}

// --- the run --------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { "no-build": { type: "boolean" } } });
  if (process.getuid?.() !== 0) {
    console.error("test:swarm needs root (dockerd, debootstrap, host-mode ports 80/443/9090)");
    return 2;
  }
  const work = mkdtempSync(path.join(tmpdir(), "minitwit-swarm-"));
  onCleanup("work directory", async () => rmSync(work, { recursive: true, force: true }));
  const failures: string[] = [];
  const summary: string[] = [];
  let load: Load | undefined;
  try {
    await ensureDockerd(work);
    const swarm = await dockerOut("info", "--format", "{{.Swarm.LocalNodeState}}");
    if (swarm !== "inactive") {
      throw new CheckFailed(`this Docker engine is already part of a swarm (${swarm}); not touching it`);
    }
    for (const port of [80, 443, 9090]) {
      if (!(await portFree(port))) throw new CheckFailed(`port ${port} is taken; the stack publishes it`);
    }
    await buildImages(work, values["no-build"] !== true);

    log("docker swarm init");
    const gwbridgeExisted =
      (await run("docker", ["network", "inspect", "docker_gwbridge"], { allowFail: true })).code === 0;
    await run("docker", ["swarm", "init", "--advertise-addr", "127.0.0.1"]);
    onCleanup("swarm", async () => {
      await run("docker", ["swarm", "leave", "--force"], { allowFail: true });
      if (!gwbridgeExisted) await run("docker", ["network", "rm", "docker_gwbridge"], { allowFail: true });
    });

    const random = () => randomBytes(18).toString("base64url");
    const postgresPassword = random();
    const simulatorPassword = random();
    const values_: Record<string, string> = {
      postgres_password: postgresPassword,
      database_url: `postgresql://minitwit_app:${random()}@postgres:5432/minitwit`,
      owner_database_url: `postgresql://minitwit:${postgresPassword}@postgres:5432/minitwit`,
      auth_secret: random() + random(),
      simulator_password: simulatorPassword,
      metrics_token: random(),
    };
    for (const name of SECRETS) {
      const value = values_[name] ?? readFileSync(path.join(docker, "secrets", `${name}.example`), "utf8");
      await run("docker", ["secret", "create", name, "-"], { input: value });
    }
    // Registered after the swarm, so run before leaving it (cleanups run last first).
    onCleanup("stack, secrets and volumes", async () => {
      await run("docker", ["stack", "rm", STACK], { allowFail: true });
      await until("the stack's containers gone", 90, async () =>
        (await dockerOut("ps", "-aq", "--filter", `label=com.docker.stack.namespace=${STACK}`)) === ""
          ? true
          : undefined,
      ).catch(() => undefined);
      await run("docker", ["secret", "rm", ...SECRETS], { allowFail: true });
      const volumes = (
        await dockerOut("volume", "ls", "-q", "--filter", `label=com.docker.stack.namespace=${STACK}`)
      )
        .split("\n")
        .filter(Boolean);
      if (volumes.length > 0) await run("docker", ["volume", "rm", ...volumes], { allowFail: true });
    });

    const deployEnv = {
      STACK_FILE: stackFile(work),
      STACK_NAME: STACK,
      MINITWIT_IMAGE: IMAGE,
      APP_REPLICAS: String(REPLICAS),
      CADDY_IMAGE: `${LOCAL_PREFIX}/caddy:bookworm`,
      POSTGRES_IMAGE: `${LOCAL_PREFIX}/postgres:15`,
      PROMETHEUS_IMAGE: `${LOCAL_PREFIX}/prometheus:bookworm`,
    };
    log(`docker/deploy.sh: ${DEPLOYED.join(", ")} (tag 1, ${REPLICAS} app replicas)`);
    await run("bash", [path.join(docker, "deploy.sh")], {
      env: { ...deployEnv, MINITWIT_TAG: "1" },
      echo: true,
    });
    await converged(`${IMAGE}:1`);
    await until("the proxy serving /readyz", 60, async () =>
      (await fetch(`${PROXY}/readyz`)).ok ? true : undefined,
    );
    await serves(simulatorPassword);

    load = new Load(simulatorPassword);
    load.start();
    await sleep(10_000);

    load.phase("rolling update");
    log("rolling update to tag 2 (docker/deploy.sh, start-first)");
    await run("bash", [path.join(docker, "deploy.sh")], {
      env: { ...deployEnv, MINITWIT_TAG: "2" },
      echo: true,
    });
    await converged(`${IMAGE}:2`);
    log(`rolling update: ${await updateState()}`);
    await sleep(5_000);

    load.phase("failed update, rollback");
    log("update to an image whose health check fails");
    await run("docker", [
      "service",
      "update",
      "--detach",
      "--no-resolve-image",
      "--image",
      `${IMAGE}:broken`,
      `${STACK}_app`,
    ]);
    const rolledBack = await until("Swarm rolling the failed update back", 300, async () => {
      const state = await updateState();
      return state === "rollback_completed" || state === "rollback_paused" || state === "completed"
        ? state
        : undefined;
    });
    log(`failed update ended: ${rolledBack}`);
    if (rolledBack !== "rollback_completed")
      failures.push(`failed update ended in ${rolledBack}, not rolled back`);
    await converged(`${IMAGE}:2`);
    await sleep(5_000);

    load.phase("killed task");
    const [victim] = await healthyAppContainers();
    log(`docker kill ${victim}`);
    await run("docker", ["kill", victim!]);
    await until("Swarm replacing the killed task", 120, async () => {
      const healthy = await healthyAppContainers();
      return healthy.length === REPLICAS && !healthy.includes(victim!) ? true : undefined;
    });
    log("the killed task was replaced");
    await sleep(10_000);
    await load.stop();

    const writes = await lostWrites(load);
    summary.push(`acknowledged writes checked in PostgreSQL: ${writes.checked}, lost: ${writes.lost.length}`);
    if (writes.checked === 0) failures.push("no acknowledged write to check");
    if (writes.lost.length > 0)
      failures.push(`lost acknowledged writes: ${writes.lost.slice(0, 5).join("; ")}`);
    const roles = await appDatabaseRoles();
    summary.push(
      `the app's database role: ${roles.length === 0 ? "minitwit_app, not a superuser" : roles.join("; ")}`,
    );
    failures.push(...roles);

    const up = await prometheusTargets().catch((error: unknown) => {
      failures.push(String(error));
      return 0;
    });
    const rules = await prometheusRules();
    summary.push(
      `Prometheus: ${up} app targets up through tasks.app; alert rules loaded ${rules.loaded}/${rules.expected}`,
    );
    if (rules.loaded !== rules.expected || rules.expected === 0) failures.push("alert rules not all loaded");

    const clients = await loggedClients();
    summary.push(
      `client addresses in the app's /sim request lines: ${[...clients].map(([a, n]) => `${a} (${n})`).join(", ") || "none"}`,
    );
    // The load came from this host's address (PROXY): the app must log exactly that, as the proxy saw
    // it by the TRUST_PROXY rule, never the proxy's own (edge network) or Docker's gateway address.
    const expected = new Set([CLIENT_ADDRESS, `::ffff:${CLIENT_ADDRESS}`]);
    if (clients.size === 0) failures.push("no /sim request line with a client address in the app's logs");
    for (const address of clients.keys()) {
      if (!expected.has(address)) {
        failures.push(`the app logged client ${address}, not the load's address ${CLIENT_ADDRESS}`);
      }
    }
  } catch (error) {
    failures.push(error instanceof CheckFailed ? error.message : String(error));
    if (load) await load.stop();
  } finally {
    if (load) {
      console.log("\n== test:swarm summary");
      for (const [name, stats] of load.phases) {
        const kinds = Object.entries(stats.kinds)
          .map(([kind, n]) => `${kind}: ${n}`)
          .join(", ");
        console.log(
          `${name.padEnd(24)} requests ${String(stats.requests).padStart(6)}  errors ${String(stats.errors).padStart(4)}` +
            `  = failures ${stats.failures}, time-outs ${stats.timeouts}, follow-on 404s ${stats.followOn}` +
            (kinds ? `  (${kinds})` : ""),
        );
      }
      for (const line of summary) console.log(line);
    }
    for (const phase of ["rolling update", "failed update, rollback"]) {
      const stats = load?.phases.get(phase);
      if (stats && stats.failures > 0) failures.push(`${stats.failures} failed requests during the ${phase}`);
      if (stats && stats.timeouts > 0) {
        const baseline = load?.phases.get("warm-up")?.timeouts ?? 0;
        failures.push(
          `${stats.timeouts} requests over the 0.3 s limit during the ${phase} (warm-up, no deployment: ${baseline})`,
        );
      }
      if (load && (!stats || stats.requests === 0)) failures.push(`no requests during the ${phase}`);
    }
    if (process.env.SWARM_KEEP === "1") {
      log(`SWARM_KEEP=1: left running (work directory ${work})`);
    } else {
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup.undo();
        } catch (error) {
          console.error(`cleanup of ${cleanup.what} failed: ${String(error)}`);
        }
      }
    }
  }
  if (failures.length > 0) {
    console.log(`\ntest:swarm FAILED (${((Date.now() - started) / 1000).toFixed(0)} s):`);
    for (const failure of failures) console.log(`  - ${failure}`);
    return 1;
  }
  console.log(`\ntest:swarm passed (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
