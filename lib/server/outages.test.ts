import http from "node:http";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";

import {
  noteDatabaseAvailable,
  noteDatabaseUnavailable,
  runInOutageScope,
  type OutageScope,
} from "../db/availability";
import { answerFailure, outagesAre503 } from "./http-server";

function response(scope?: OutageScope): http.ServerResponse {
  const res = new http.ServerResponse(new http.IncomingMessage(new net.Socket()));
  outagesAre503(res, scope);
  return res;
}

describe("outagesAre503", () => {
  afterEach(() => noteDatabaseAvailable());

  it("turns a page's 500 into a 503 with Retry-After while the database is away", () => {
    noteDatabaseUnavailable();
    const res = response();
    res.writeHead(500, "Internal Server Error", { "content-type": "text/html" });
    expect(res.statusCode).toBe(503);
    expect(res.statusMessage).toBe("Service Unavailable");
    expect(res.getHeader("retry-after")).toBe("2");
  });

  it("leaves a 500 alone when the database is fine, and every other status always", () => {
    const res = response();
    res.writeHead(500);
    expect(res.statusCode).toBe(500);
    noteDatabaseUnavailable();
    const ok = response();
    ok.writeHead(200);
    expect(ok.statusCode).toBe(200);
    expect(ok.getHeader("retry-after")).toBeUndefined();
  });

  it("turns the 500 of a request whose own database call met the outage into a 503, whatever came after", () => {
    const scope: OutageScope = { metOutage: false };
    // The page's query is refused ("too many clients"), then another request connects into a freed
    // slot: the process-wide state says the database is back before this page's 500 is written.
    runInOutageScope(scope, () => noteDatabaseUnavailable());
    noteDatabaseAvailable();
    const res = response(scope);
    res.writeHead(500);
    expect(res.statusCode).toBe(503);
    expect(res.getHeader("retry-after")).toBe("2");
    const untouched = response({ metOutage: false });
    untouched.writeHead(500);
    expect(untouched.statusCode).toBe(500);
  });
});

/** A response whose written bytes are kept, as the client would read them. */
function recorded(): { res: http.ServerResponse; body(): string; destroyed(): boolean } {
  const socket = new net.Socket();
  const res = new http.ServerResponse(new http.IncomingMessage(socket));
  let body = "";
  let destroyed = false;
  res.end = function (this: http.ServerResponse, chunk?: unknown) {
    if (typeof chunk === "string") body += chunk;
    return this;
  } as http.ServerResponse["end"];
  res.destroy = function (this: http.ServerResponse) {
    destroyed = true;
    return this;
  } as http.ServerResponse["destroy"];
  return { res, body: () => body, destroyed: () => destroyed };
}

describe("answerFailure (the server's last resort)", () => {
  it("answers a database outage with 503 JSON and Retry-After", () => {
    const { res, body } = recorded();
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    answerFailure(res, refused, { metOutage: false });
    expect(res.statusCode).toBe(503);
    expect(res.getHeader("retry-after")).toBe("2");
    expect(res.getHeader("content-type")).toBe("application/json");
    expect(JSON.parse(body())).toEqual({
      status: 503,
      error_msg: "The database is unavailable; try again in a moment",
    });
  });

  it("answers 503 for any error of a request that met the outage, 500 otherwise, never leaking the error", () => {
    const met = recorded();
    answerFailure(met.res, new TypeError("x is undefined"), { metOutage: true });
    expect(met.res.statusCode).toBe(503);
    const bug = recorded();
    answerFailure(bug.res, new TypeError("secret detail"), { metOutage: false });
    expect(bug.res.statusCode).toBe(500);
    expect(bug.res.getHeader("retry-after")).toBeUndefined();
    expect(JSON.parse(bug.body())).toEqual({ status: 500, error_msg: "Internal server error" });
    expect(bug.body()).not.toContain("secret detail");
  });

  it("cuts the connection of a response already under way instead of ending it as if whole", () => {
    const started = recorded();
    started.res.writeHead(200, { "content-type": "text/html" });
    answerFailure(started.res, new Error("failed mid-page"), { metOutage: false });
    expect(started.destroyed()).toBe(true);
    expect(started.body()).toBe("");
  });
});
