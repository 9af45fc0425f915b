import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { startTestServer, tempDir } from "../../../e2e/harness/server";
import { freePort } from "../../server/free-port";

const run = promisify(execFile);

/**
 * `npm run lighthouse`: Lighthouse against the production build (run `npm run build` first) on a fresh
 * embedded database with some messages, in headless Chromium (CHROMIUM_PATH, else /usr/bin/chromium).
 * Prints the four category scores for /public with the mobile and the desktop settings.
 *
 * Lighthouse runs as its own CLI under plain Node: it sends functions' source text to the page, and
 * tsx's transform would add helpers to that text that the page does not have.
 */

type Report = {
  categories: Record<string, { score: number | null } | undefined>;
  audits: Record<
    string,
    { id: string; score: number | null; scoreDisplayMode: string; displayValue?: string }
  >;
};

async function audit(url: string, port: number, preset: "mobile" | "desktop"): Promise<Report> {
  const cli = path.join(process.cwd(), "node_modules", "lighthouse", "cli", "index.js");
  const args = [
    cli,
    url,
    `--port=${port}`,
    "--output=json",
    "--quiet",
    `--only-categories=${CATEGORIES.join(",")}`,
    ...(preset === "desktop" ? ["--preset=desktop"] : []),
  ];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as Report;
}

const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"] as const;
const METRICS = [
  ["first-contentful-paint", "FCP"],
  ["largest-contentful-paint", "LCP"],
  ["total-blocking-time", "TBT"],
  ["cumulative-layout-shift", "CLS"],
] as const;

async function seed(baseUrl: string): Promise<void> {
  const authors = ["ada", "brian", "chen", "dolores"];
  for (const [i, name] of authors.entries()) {
    const jar: string[] = [];
    const post = async (route: string, fields: Record<string, string>) => {
      const response = await fetch(`${baseUrl}${route}`, {
        method: "POST",
        body: new URLSearchParams(fields),
        headers: { cookie: jar.join("; ") },
        redirect: "manual",
      });
      for (const cookie of response.headers.getSetCookie()) jar.push(cookie.split(";")[0]!);
      if (response.status !== 303) throw new Error(`${route} answered ${response.status}`);
    };
    const password = "lighthouse-password";
    await post("/register", { username: name, email: `${name}@example.com`, password, password2: password });
    await post("/login", { username: name, password });
    for (let n = 0; n < 10; n++) {
      await post("/add_message", {
        text: `Message ${n + 1} from ${name}: ${"a calm little note about the day. ".repeat(1 + ((n + i) % 3))}`,
      });
    }
  }
}

async function launchChromium(): Promise<{ port: number; child: ChildProcess; remove(): Promise<void> }> {
  const executable = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  const port = await freePort();
  const profile = await tempDir("minitwit-lighthouse-chrome-");
  const child = spawn(
    executable,
    [
      "--headless=new",
      "--no-sandbox",
      "--disable-dev-shm-usage",
      `--remote-debugging-port=${port}`,
      `--user-data-dir=${profile.dir}`,
      "about:blank",
    ],
    { stdio: "ignore" },
  );
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/json/version`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`could not start ${executable}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { port, child, remove: profile.remove };
}

async function main(): Promise<void> {
  if (!existsSync(path.join(process.cwd(), ".next", "BUILD_ID"))) {
    throw new Error("No production build: run `npm run build` first.");
  }
  const data = await tempDir("minitwit-lighthouse-");
  const server = await startTestServer({ dataDir: data.dir, env: { LOG_LEVEL: "warn" } });
  const chromium = await launchChromium();
  try {
    await seed(server.url);
    const url = `${server.url}/public`;
    const rows: string[] = [];
    for (const formFactor of ["mobile", "desktop"] as const) {
      const report = await audit(url, chromium.port, formFactor);
      const scores = CATEGORIES.map((id) => {
        const score = report.categories[id]?.score;
        return `${id} ${score === null || score === undefined ? "n/a" : Math.round(score * 100)}`;
      });
      const metrics = METRICS.map(([id, label]) => `${label} ${report.audits[id]?.displayValue ?? "n/a"}`);
      rows.push(`${formFactor.padEnd(8)} ${scores.join("  ")}   (${metrics.join(", ")})`);
      const failing = Object.values(report.audits).filter(
        (audit) => audit.score !== null && audit.score < 0.9 && audit.scoreDisplayMode !== "informative",
      );
      if (failing.length > 0 && process.env.LIGHTHOUSE_VERBOSE) {
        for (const audit of failing)
          console.error(`  ${formFactor}: ${audit.id} ${audit.score} ${audit.displayValue ?? ""}`);
      }
    }
    console.log(`Lighthouse ${url}`);
    for (const row of rows) console.log(row);
  } finally {
    chromium.child.kill("SIGKILL");
    await chromium.remove();
    await server.stop();
    await data.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
