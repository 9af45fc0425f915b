import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";

import { runInOutageScope } from "../../lib/db/availability";
import { formRoute } from "./form-route";

function post(accept = "text/html"): NextRequest {
  return new NextRequest("http://localhost/register", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept },
    body: "username=a&email=a%40b.dk&password=x&password2=x",
  });
}

const full = Object.assign(new Error("sorry, too many clients already"), { code: "53300" });

describe("formRoute while the database is away", () => {
  it("answers a 503 refusal page with Retry-After, or JSON for the page's script", async () => {
    const route = formRoute(() => Promise.reject(full));
    const page = await route(post());
    expect(page.status).toBe(503);
    expect(page.headers.get("retry-after")).toBe("2");
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await page.text()).toContain("cannot reach its database just now");
    const json = await route(post("application/json"));
    expect(json.status).toBe(503);
    expect(await json.json()).toEqual({
      error: "MiniTwit cannot reach its database just now. Please try again in a moment.",
    });
  });

  it("also when the error does not show it but the request's own database call met the outage", async () => {
    const route = formRoute(() => Promise.reject(new Error("Invalid `prisma.user.create()` invocation")));
    const response = await runInOutageScope({ metOutage: true }, () => route(post()));
    expect(response.status).toBe(503);
  });

  it("lets any other failure through (a 500 is a bug)", async () => {
    const bug = new TypeError("x is undefined");
    await expect(formRoute(() => Promise.reject(bug))(post())).rejects.toBe(bug);
  });
});
