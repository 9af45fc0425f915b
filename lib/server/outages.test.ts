import http from "node:http";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";

import { noteDatabaseAvailable, noteDatabaseUnavailable } from "../db/availability";
import { outagesAre503 } from "./http-server";

function response(): http.ServerResponse {
  const res = new http.ServerResponse(new http.IncomingMessage(new net.Socket()));
  outagesAre503(res);
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
});
