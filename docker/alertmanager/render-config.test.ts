import { execFile, execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";

const run = promisify(execFile);
const script = path.join(__dirname, "render-config.sh");

type Receiver = {
  name: string;
  slack_configs?: { api_url_file: string; send_resolved: boolean }[];
  email_configs?: Record<string, unknown>[];
};
type Rendered = { config: { receivers: Receiver[] }; template: string; stderr: string; stdout: string };

function which(command: string): string | undefined {
  try {
    return execFileSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

// The Alertmanager image has nothing but busybox: where busybox is installed, the script also runs
// with its sh and applets alone on the PATH.
const busybox = which("busybox");
const shells: { name: string; path: () => string }[] = [
  { name: "the system's sh", path: () => process.env.PATH ?? "/usr/bin:/bin" },
];
let busyboxBin = "";
if (busybox) shells.push({ name: "busybox only (as in the Alertmanager image)", path: () => busyboxBin });

beforeAll(async () => {
  if (!busybox) return;
  busyboxBin = await mkdtemp(path.join(os.tmpdir(), "minitwit-busybox-"));
  await mkdir(busyboxBin, { recursive: true });
  for (const applet of ["sh", "awk", "grep", "cat", "tr", "tail", "mkdir", "basename"])
    await symlink(busybox, path.join(busyboxBin, applet));
});
afterAll(async () => {
  if (busyboxBin) await rm(busyboxBin, { recursive: true, force: true });
});

describe.each(shells)("render-config.sh (the alertmanager service's entrypoint) with $name", (shell) => {
  let dir = "";
  const dirs: string[] = [];
  afterEach(async () => {
    for (const each of dirs.splice(0)) await rm(each, { recursive: true, force: true });
  });

  /** Files in a fresh folder (the next render writes below it); returns their paths by name. */
  async function files(contents: Record<string, string>): Promise<Record<string, string>> {
    dir = await mkdtemp(path.join(os.tmpdir(), "minitwit-render-"));
    dirs.push(dir);
    const paths: Record<string, string> = {};
    for (const [name, content] of Object.entries(contents)) {
      paths[name] = path.join(dir, name);
      await writeFile(paths[name], content);
    }
    return paths;
  }

  async function render(env: Record<string, string>, command: string[] = []): Promise<Rendered> {
    const out = path.join(dir, "out");
    const { stdout, stderr } = await run("sh", [script, __dirname, out, ...command], {
      // Nothing of the caller's environment: only what a test sets may reach the script.
      env: { NODE_ENV: "test", PATH: shell.path(), ...env },
    });
    return {
      config: parseYaml(await readFile(path.join(out, "alertmanager.yml"), "utf8")) as Rendered["config"],
      template: await readFile(path.join(out, "minitwit.tmpl"), "utf8"),
      stderr,
      stdout,
    };
  }

  async function failure(env: Record<string, string>): Promise<string> {
    const error = await render(env).then(
      () => undefined,
      (e: unknown) => e as { stderr: string; code: number },
    );
    expect(error, "render-config.sh should have failed").toBeDefined();
    expect(error?.code).toBe(1);
    return error?.stderr ?? "";
  }

  const receiver = (rendered: Rendered, name: string) =>
    rendered.config.receivers.find((r) => r.name === name);

  const email = [
    "# a comment",
    "ALERT_EMAIL_TO=oncall@example.org, second@example.org",
    "ALERT_EMAIL_FROM=Minitwit alerts <alerts@example.org>",
    "ALERT_SMTP_SMARTHOST=smtp.example.org:587",
    "ALERT_SMTP_USERNAME=alerts@example.org",
    "",
  ].join("\n");

  it("fills in every channel: chat and heartbeat URLs stay in their files, e-mail gets its settings", async () => {
    const f = await files({
      chat: "https://chat.example.org/hook/secret-1\n",
      heartbeat: "https://dms.example.org/ping/secret-2\n",
      email,
      password: "smtp-secret-3",
    });
    const rendered = await render({
      GRAFANA_URL: "https://grafana.example.org/",
      ALERT_CHAT_WEBHOOK_URL_FILE: f.chat!,
      ALERT_HEARTBEAT_URL_FILE: f.heartbeat!,
      ALERT_EMAIL_FILE: f.email!,
      ALERT_SMTP_PASSWORD_FILE: f.password!,
    });
    for (const name of ["page", "ticket"]) {
      expect(receiver(rendered, name)?.slack_configs).toEqual([
        expect.objectContaining({ api_url_file: f.chat, send_resolved: true }),
      ]);
    }
    expect(receiver(rendered, "heartbeat")?.slack_configs).toEqual([
      expect.objectContaining({ api_url_file: f.heartbeat, send_resolved: false }),
    ]);
    expect(receiver(rendered, "page")?.email_configs).toEqual([
      expect.objectContaining({
        to: "oncall@example.org, second@example.org",
        from: "Minitwit alerts <alerts@example.org>",
        smarthost: "smtp.example.org:587",
        require_tls: true,
        auth_username: "alerts@example.org",
        auth_password_file: f.password,
        send_resolved: true,
      }),
    ]);
    expect(receiver(rendered, "ticket")?.email_configs).toBeUndefined();
    // The trailing slash goes, so `dashboard` paths join without a double one.
    expect(rendered.template).toContain(
      '{{ define "minitwit.grafana_url" }}https://grafana.example.org{{ end }}',
    );
    const everything = JSON.stringify(rendered.config) + rendered.template + rendered.stderr;
    for (const secret of ["secret-1", "secret-2", "smtp-secret-3"]) expect(everything).not.toContain(secret);
    expect(rendered.stderr).toContain(
      "e-mail: to oncall@example.org, second@example.org via smtp.example.org:587",
    );
  });

  it("without e-mail settings and with heartbeat `none`, pages go to chat only and the heartbeat nowhere", async () => {
    const f = await files({ chat: "http://127.0.0.1:9/chat", heartbeat: "none\n", email: "# nothing\n" });
    const rendered = await render({
      GRAFANA_URL: "http://localhost:3001",
      ALERT_CHAT_WEBHOOK_URL_FILE: f.chat!,
      ALERT_HEARTBEAT_URL_FILE: f.heartbeat!,
      ALERT_EMAIL_FILE: f.email!,
    });
    expect(receiver(rendered, "page")?.email_configs).toBeUndefined();
    expect(receiver(rendered, "page")?.slack_configs).toHaveLength(1);
    expect(receiver(rendered, "heartbeat")).toEqual({ name: "heartbeat" });
    expect(rendered.stderr).toContain("e-mail: off, heartbeat: off");
  });

  it("e-mail without a user name sends without authentication, and honours ALERT_SMTP_REQUIRE_TLS", async () => {
    const f = await files({
      chat: "http://127.0.0.1:9/chat",
      email:
        "ALERT_EMAIL_TO=a@example.org\nALERT_EMAIL_FROM=b@example.org\nALERT_SMTP_SMARTHOST=relay:25\nALERT_SMTP_REQUIRE_TLS=false",
    });
    const rendered = await render({
      GRAFANA_URL: "http://localhost:3001",
      ALERT_CHAT_WEBHOOK_URL_FILE: f.chat!,
      ALERT_EMAIL_FILE: f.email!,
    });
    const [config] = receiver(rendered, "page")?.email_configs ?? [];
    expect(config).toMatchObject({ to: "a@example.org", smarthost: "relay:25", require_tls: false });
    expect(config).not.toHaveProperty("auth_username");
    expect(config).not.toHaveProperty("auth_password_file");
  });

  it("execs the command after rendering (the container's main process is Alertmanager itself)", async () => {
    const f = await files({ chat: "http://127.0.0.1:9/chat" });
    const rendered = await render(
      { GRAFANA_URL: "http://localhost:3001", ALERT_CHAT_WEBHOOK_URL_FILE: f.chat! },
      ["sh", "-c", 'echo "started with $0"', "alertmanager"],
    );
    expect(rendered.stdout).toBe("started with alertmanager\n");
    expect((await stat(path.join(dir, "out", "alertmanager.yml"))).mode & 0o077).toBe(0);
  });

  describe("refuses, naming the setting, and starts nothing", () => {
    it("without a chat webhook URL", async () => {
      await files({});
      expect(await failure({ GRAFANA_URL: "http://localhost:3001" })).toContain(
        "ALERT_CHAT_WEBHOOK_URL_FILE is not set",
      );
      const f = await files({ chat: "\n" });
      expect(
        await failure({ GRAFANA_URL: "http://localhost:3001", ALERT_CHAT_WEBHOOK_URL_FILE: f.chat! }),
      ).toMatch(/ALERT_CHAT_WEBHOOK_URL_FILE \(.*\) must hold the chat's incoming-webhook URL/);
    });

    it("a chat secret file that does not exist", async () => {
      await files({});
      expect(
        await failure({
          GRAFANA_URL: "http://localhost:3001",
          ALERT_CHAT_WEBHOOK_URL_FILE: "/nonexistent/chat",
        }),
      ).toContain("ALERT_CHAT_WEBHOOK_URL_FILE: cannot read /nonexistent/chat");
    });

    it("a Grafana URL that would break out of the template", async () => {
      const f = await files({ chat: "http://127.0.0.1:9/chat" });
      for (const GRAFANA_URL of ["", "localhost:3001", 'http://x/"}}{{ .Alerts }}', "http://x/a b"]) {
        expect(await failure({ GRAFANA_URL, ALERT_CHAT_WEBHOOK_URL_FILE: f.chat! })).toContain("GRAFANA_URL");
      }
    });

    it("a heartbeat file with something other than a URL or none", async () => {
      const f = await files({ chat: "http://127.0.0.1:9/chat", heartbeat: "ping me" });
      expect(
        await failure({
          GRAFANA_URL: "http://localhost:3001",
          ALERT_CHAT_WEBHOOK_URL_FILE: f.chat!,
          ALERT_HEARTBEAT_URL_FILE: f.heartbeat!,
        }),
      ).toMatch(/ALERT_HEARTBEAT_URL_FILE \(.*\) must hold the dead man's switch URL, or none/);
    });

    it.each([
      ["an unknown key", "ALERT_EMAIL_TOO=a@example.org", "line 1: unknown setting ALERT_EMAIL_TOO"],
      ["a line that is no KEY=value", "ALERT_EMAIL_TO a@example.org", "line 1 is not KEY=value"],
      ["settings without a recipient", "ALERT_SMTP_SMARTHOST=smtp:587", "ALERT_EMAIL_TO is not"],
      [
        "a recipient without a server",
        "ALERT_EMAIL_TO=a@example.org\nALERT_EMAIL_FROM=b@example.org",
        "ALERT_SMTP_SMARTHOST is not set",
      ],
      ["a quote in an address", 'ALERT_EMAIL_TO=a"@example.org', "ALERT_EMAIL_TO is not"],
      [
        "a user name without a password",
        `${email}ALERT_SMTP_REQUIRE_TLS=true`,
        "ALERT_SMTP_PASSWORD_FILE is not set",
      ],
      [
        "TLS neither true nor false",
        `${email}ALERT_SMTP_REQUIRE_TLS=yes`,
        "ALERT_SMTP_REQUIRE_TLS is not true or false",
      ],
    ])("e-mail settings with %s", async (_what, content, message) => {
      const f = await files({ chat: "http://127.0.0.1:9/chat", email: content });
      expect(
        await failure({
          GRAFANA_URL: "http://localhost:3001",
          ALERT_CHAT_WEBHOOK_URL_FILE: f.chat!,
          ALERT_EMAIL_FILE: f.email!,
        }),
      ).toContain(message);
    });

    it("an SMTP password file that ends with a line break (Alertmanager would send it as part of the password)", async () => {
      const f = await files({ chat: "http://127.0.0.1:9/chat", email, password: "smtp-secret\n" });
      expect(
        await failure({
          GRAFANA_URL: "http://localhost:3001",
          ALERT_CHAT_WEBHOOK_URL_FILE: f.chat!,
          ALERT_EMAIL_FILE: f.email!,
          ALERT_SMTP_PASSWORD_FILE: f.password!,
        }),
      ).toContain("ends with a line break, which Alertmanager would send as part of the password");
    });

    it("an SMTP password file that is empty while a user name is set", async () => {
      const f = await files({ chat: "http://127.0.0.1:9/chat", email, password: "" });
      expect(
        await failure({
          GRAFANA_URL: "http://localhost:3001",
          ALERT_CHAT_WEBHOOK_URL_FILE: f.chat!,
          ALERT_EMAIL_FILE: f.email!,
          ALERT_SMTP_PASSWORD_FILE: f.password!,
        }),
      ).toContain("is empty, but ALERT_SMTP_USERNAME is set");
    });
  });
});
