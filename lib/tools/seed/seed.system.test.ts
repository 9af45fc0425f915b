import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, tempDir, type TestServer } from "../../../e2e/harness/server";
import { tsEntry } from "../cli/ts-entry";
import { createTestDatabase, type TestDatabase } from "../../db/test-database";

const DAY_MS = 24 * 60 * 60 * 1000;

type Run = { code: number | null; stdout: string; stderr: string };

/** `npm run seed`'s entry point, as a process of its own, with the given database settings. */
function seed(args: string[], env: Record<string, string>): Promise<Run> {
  const [command, commandArgs] = tsEntry("lib/tools/cli/seed.ts", args);
  const child = spawn(command, commandArgs, {
    env: { ...process.env, DATABASE_URL: "", MINITWIT_DATA_DIR: "", MINITWIT_EMBEDDED_DB: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}

function demoSignIn(stdout: string): { username: string; password: string } {
  const username = /username: (\S+)/.exec(stdout)?.[1];
  const password = /password: (\S+)/.exec(stdout)?.[1];
  if (!username || !password) throw new Error(`no demo sign-in printed:\n${stdout}`);
  return { username, password };
}

/** Every message's date on the public timeline, read through the public GraphQL API. */
async function publicDates(url: string): Promise<Date[]> {
  const dates: Date[] = [];
  let after: string | null = null;
  for (;;) {
    const res = await fetch(`${url}/api/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: `query($after: String) { publicTimeline(first: 100, after: $after) {
          edges { node { pubDate } } pageInfo { hasNextPage endCursor } } }`,
        variables: { after },
      }),
    });
    type Page = {
      data: {
        publicTimeline: {
          edges: { node: { pubDate: string } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      };
    };
    const { data } = (await res.json()) as Page;
    dates.push(...data.publicTimeline.edges.map((edge) => new Date(edge.node.pubDate)));
    if (!data.publicTimeline.pageInfo.hasNextPage) return dates;
    after = data.publicTimeline.pageInfo.endCursor;
  }
}

describe("npm run seed, then the running site (embedded database)", () => {
  let data: Awaited<ReturnType<typeof tempDir>>;
  let server: TestServer;
  let first: Run;

  beforeAll(async () => {
    data = await tempDir("minitwit-seed-");
    server = await startTestServer({ dataDir: data.dir });
    // The server owns the embedded database; the seed reaches it the way `npm run flag` does.
    first = await seed(["--users", "40", "--actions", "700", "--weeks", "3"], {
      MINITWIT_DATA_DIR: data.dir,
    });
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await data?.remove();
  });

  it("seeds and prints what it made and the demo sign-in", () => {
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /^40 users, \d+ follows, \d+ messages \(\d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}\)/m,
    );
    expect(demoSignIn(first.stdout).username).toBe("demo");
  });

  it("fills the public timeline with messages of many users, spread over the weeks asked for", async () => {
    const page = await (await fetch(`${server.url}/public`)).text();
    const authors = new Set([...page.matchAll(/<strong><a href="\/[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]));
    expect(page.match(/<li class="message"[ >]/g)?.length).toBe(30);
    expect(authors.size).toBeGreaterThan(5);
    const dates = await publicDates(server.url);
    expect(dates.length).toBeGreaterThan(200);
    const newest = Math.max(...dates.map(Number));
    const oldest = Math.min(...dates.map(Number));
    expect(Date.now() - newest).toBeLessThan(2 * DAY_MS);
    expect(newest - oldest).toBeGreaterThan(14 * DAY_MS);
    expect(Date.now() - oldest).toBeLessThanOrEqual(21 * DAY_MS + 60_000);
  });

  it("signs in as the demo account, whose timeline shows the users it follows", async () => {
    const { username, password } = demoSignIn(first.stdout);
    const signedIn = await fetch(`${server.url}/login`, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({ username, password }),
    });
    expect(signedIn.status).toBe(303);
    const cookie = signedIn.headers
      .getSetCookie()
      .map((c) => c.split(";")[0]!)
      .join("; ");
    expect(cookie).toContain("authjs.session-token=");
    const home = await (await fetch(`${server.url}/`, { headers: { cookie } })).text();
    expect(home).toContain("My Timeline");
    const authors = new Set([...home.matchAll(/<strong><a href="\/[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]));
    expect(home.match(/<li class="message"[ >]/g)?.length).toBe(30);
    expect([...authors].filter((author) => author !== "demo").length).toBeGreaterThan(3);
  });

  it("refuses to seed again without --force, changing nothing", async () => {
    const before = (await publicDates(server.url)).length;
    const again = await seed(["--users", "5", "--actions", "50"], { MINITWIT_DATA_DIR: data.dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /Not seeding: the database is not empty \(41 users, \d+ messages\)\. .*--force/,
    );
    expect((await publicDates(server.url)).length).toBe(before);
  });

  it("adds with --force and gives the demo account a new password that works", async () => {
    const forced = await seed(["--users", "5", "--actions", "60", "--seed", "9", "--force"], {
      MINITWIT_DATA_DIR: data.dir,
    });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain("existing account, new password");
    const { username, password } = demoSignIn(forced.stdout);
    expect(password).not.toBe(demoSignIn(first.stdout).password);
    const signedIn = await fetch(`${server.url}/login`, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({ username, password }),
    });
    expect(signedIn.headers.getSetCookie().join(";")).toContain("authjs.session-token=");
  });
});

describe("npm run seed on DATABASE_URL", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    // Not migrated: like a fresh checkout's first `npm run seed`, which applies the schema itself.
    database = await createTestDatabase({ migrate: false });
  }, 120_000);
  afterAll(async () => {
    await database?.dispose();
  });

  it("migrates an empty database and seeds it", async () => {
    const run = await seed(["--users", "12", "--actions", "150", "--weeks", "1"], {
      DATABASE_URL: database.url,
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^12 users, \d+ follows, \d+ messages/m);
    expect(run.stdout).toContain("username: demo");
  });
});
