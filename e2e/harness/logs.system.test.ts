import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, tempDir, type TestServer } from "./server";

/**
 * The server's own output during a real sign-up, sign-in, session use and simulator calls, at the
 * most verbose level: one JSON line per request with the route template and a request id, and no
 * password, token, cookie or Authorization header anywhere.
 */
describe("logs", () => {
  let server: TestServer;
  let data: Awaited<ReturnType<typeof tempDir>>;
  const password = "Pa55word-never-logged";
  const simAuth = `Basic ${Buffer.from("simulator:super_safe!").toString("base64")}`;
  let sessionCookie = "";

  beforeAll(async () => {
    data = await tempDir("minitwit-logs-");
    server = await startTestServer({ dataDir: data.dir, env: { LOG_LEVEL: "trace" } });
    const form = (fields: Record<string, string>) => new URLSearchParams(fields);
    const registered = await fetch(`${server.url}/register`, {
      method: "POST",
      redirect: "manual",
      body: form({ username: "logger", email: "l@x.dk", password, password2: password }),
    });
    expect(registered.status).toBe(303);
    const signedIn = await fetch(`${server.url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "x-request-id": "login-request-1" },
      body: form({ username: "logger", password }),
    });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get("x-request-id")).toBe("login-request-1");
    sessionCookie = signedIn.headers
      .getSetCookie()
      .map((c) => c.split(";")[0]!)
      .join("; ");
    expect(sessionCookie).toContain("authjs.session-token=");
    await (await fetch(`${server.url}/`, { headers: { cookie: sessionCookie } })).text();
    await (await fetch(`${server.url}/sim/msgs?no=1`, { headers: { authorization: simAuth } })).text();
    await (
      await fetch(`${server.url}/sim/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "logsim", email: "s@x.dk", pwd: password }),
      })
    ).text();
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await data?.remove();
  });

  it("never contains a password, session cookie or Authorization header", () => {
    const output = server.output();
    expect(output).not.toContain(password);
    expect(output).not.toContain(simAuth.split(" ")[1]);
    const token = sessionCookie.split("authjs.session-token=")[1]!.split(";")[0]!;
    expect(token.length).toBeGreaterThan(20);
    expect(output).not.toContain(token);
  });

  it("has one JSON line per request with the route template, status and request id", () => {
    const lines = server
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = lines.filter((line) => line.msg === "request");
    // Once each: proxy.ts rewrites form posts to their handlers through a second, inner hop.
    const login = requests.filter((line) => line.reqId === "login-request-1");
    expect(login).toEqual([expect.objectContaining({ method: "POST", route: "/login", status: 303 })]);
    expect(requests.filter((line) => String(line.path).startsWith("/api/web/"))).toEqual([]);
    expect(typeof login[0]?.durationMs).toBe("number");
    expect(requests.find((line) => line.route === "/sim/msgs")).toMatchObject({ status: 200 });
    expect(requests.find((line) => line.route === "/")).toMatchObject({
      status: 200,
      userId: expect.anything(),
    });
  });
});
