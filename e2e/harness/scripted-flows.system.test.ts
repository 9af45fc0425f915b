import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";

/**
 * The original MiniTwit's scripted UI tests (the course's `minitwit_tests.py`: form posts, a cookie
 * jar, redirects followed), replayed over plain HTTP against the running production server, with
 * the original's data (`default` passwords) and assertions on the raw HTML, byte for byte as a
 * script compares it. Names get a suffix: the server's database is shared with other suites.
 */

const baseUrl = (): string => {
  const url = process.env.MINITWIT_TEST_URL;
  if (!url) throw new Error("MINITWIT_TEST_URL is not set: run through the system project");
  return url;
};

/** A client as `requests.Session` is one: cookies kept across requests, redirects followed. */
class ScriptedClient {
  private readonly cookies = new Map<string, string>();

  async get(path: string): Promise<string> {
    return this.request("GET", path);
  }

  async post(path: string, fields: Record<string, string>): Promise<string> {
    return this.request("POST", path, new URLSearchParams(fields));
  }

  private async request(method: string, path: string, body?: URLSearchParams): Promise<string> {
    let url = new URL(path, baseUrl());
    for (let hops = 0; hops < 10; hops++) {
      const response = await fetch(url, {
        method,
        body,
        redirect: "manual",
        headers: {
          ...(this.cookies.size > 0 ? { cookie: this.cookieHeader() } : {}),
          ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}),
        },
      });
      this.keepCookies(response);
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        url = new URL(location, url);
        // 303 (and 302 after a POST, as requests does) turns into a GET.
        method = "GET";
        body = undefined;
        continue;
      }
      expect(response.status, `${method} ${url.pathname}`).toBeLessThan(500);
      return response.text();
    }
    throw new Error(`too many redirects from ${path}`);
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  private keepCookies(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = header.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "";
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  // The original test's helpers, with their defaults.
  register(username: string, password: string, password2?: string, email?: string): Promise<string> {
    return this.post("/register", {
      username,
      password,
      password2: password2 ?? password,
      email: email ?? `${username}@example.com`,
    });
  }

  login(username: string, password: string): Promise<string> {
    return this.post("/login", { username, password });
  }

  async registerAndLogin(username: string, password: string): Promise<string> {
    await this.register(username, password);
    return this.login(username, password);
  }

  logout(): Promise<string> {
    return this.get("/logout");
  }

  addMessage(text: string): Promise<string> {
    return this.post("/add_message", { text });
  }
}

const suffix = () => randomBytes(3).toString("hex");

describe("the original MiniTwit's scripted UI tests", () => {
  it("register", async () => {
    const client = new ScriptedClient();
    const user1 = `user1_${suffix()}`;
    const meh = `meh_${suffix()}`;
    let rv = await client.register(user1, "default");
    expect(rv).toContain("You were successfully registered and can login now");
    rv = await client.register(user1, "default");
    expect(rv).toContain("The username is already taken");
    rv = await client.register("", "default");
    expect(rv).toContain("You have to enter a username");
    rv = await client.register(meh, "");
    expect(rv).toContain("You have to enter a password");
    rv = await client.register(meh, "x", "y");
    expect(rv).toContain("The two passwords do not match");
    rv = await client.register(meh, "foo", undefined, "broken");
    expect(rv).toContain("You have to enter a valid email address");
  });

  it("login and logout", async () => {
    const client = new ScriptedClient();
    const user1 = `user1_${suffix()}`;
    let rv = await client.registerAndLogin(user1, "default");
    expect(rv).toContain("You were logged in");
    rv = await client.logout();
    expect(rv).toContain("You were logged out");
    rv = await client.login(user1, "wrongpassword");
    expect(rv).toContain("Invalid password");
    rv = await client.login(`user2_${suffix()}`, "wrongpassword");
    expect(rv).toContain("Invalid username");
  });

  it("message recording", async () => {
    const client = new ScriptedClient();
    await client.registerAndLogin(`foo_${suffix()}`, "default");
    await client.addMessage("test message 1");
    await client.addMessage("<test message 2>");
    const rv = await client.get("/");
    expect(rv).toContain("test message 1");
    expect(rv).toContain("&lt;test message 2&gt;");
    expect(rv).not.toContain("<test message 2>");
  });

  it("timelines", async () => {
    const client = new ScriptedClient();
    const foo = `foo_${suffix()}`;
    const bar = `bar_${suffix()}`;
    await client.registerAndLogin(foo, "default");
    await client.addMessage("the message by foo");
    await client.logout();
    await client.registerAndLogin(bar, "default");
    await client.addMessage("the message by bar");
    let rv = await client.get("/public");
    expect(rv).toContain("the message by foo");
    expect(rv).toContain("the message by bar");

    // bar's timeline should just show bar's message
    rv = await client.get("/");
    expect(rv).not.toContain("the message by foo");
    expect(rv).toContain("the message by bar");

    // now let's follow foo
    rv = await client.get(`/${foo}/follow`);
    expect(rv).toContain(`You are now following &#34;${foo}&#34;`);

    // we should now see foo's message
    rv = await client.get("/");
    expect(rv).toContain("the message by foo");
    expect(rv).toContain("the message by bar");

    // but on the user's page we only want the user's message
    rv = await client.get(`/${bar}`);
    expect(rv).not.toContain("the message by foo");
    expect(rv).toContain("the message by bar");
    rv = await client.get(`/${foo}`);
    expect(rv).toContain("the message by foo");
    expect(rv).not.toContain("the message by bar");

    // now unfollow and check if that worked
    rv = await client.get(`/${foo}/unfollow`);
    expect(rv).toContain(`You are no longer following &#34;${foo}&#34;`);
    rv = await client.get("/");
    expect(rv).not.toContain("the message by foo");
    expect(rv).toContain("the message by bar");
  });
});
