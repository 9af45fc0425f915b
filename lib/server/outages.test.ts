import http from "node:http";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";

import {
  noteDatabaseAvailable,
  noteDatabaseUnavailable,
  runInOutageScope,
  type OutageScope,
} from "../db/availability";
import { outagesAre503 } from "./http-server";

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
