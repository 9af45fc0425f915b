/**
 * The simulator protocol as a black box: HTTP requests against the started production server
 * (MINITWIT_TEST_URL, provided by the system test harness), asserting what the course's simulator
 * and its reference server would see. Names carry a random tag: the database is shared by the run.
 */
import { randomBytes } from "node:crypto";

import { beforeAll, describe, expect, it } from "vitest";

import { OpenApiChecker } from "./openapi-check";

const BASE = `${process.env.MINITWIT_TEST_URL ?? "http://127.0.0.1:3000"}/sim`;
const AUTH = "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh";
const FORBIDDEN = '{"status": 403, "error_msg": "You are not authorized to use this resource!"}';
const tag = randomBytes(4).toString("hex");
// Every answer below is also checked against the protocol's OpenAPI document (rest-compat/openapi.json).
const openapi = new OpenApiChecker();

interface Call {
  method?: string;
  /** Path below /sim, already encoded. */
  path: string;
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
  /** null sends no Authorization header. */
  auth?: string | null;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

interface Answer {
  status: number;
  text: string;
  contentType: string | null;
  json(): unknown;
}

async function call({
  method = "GET",
  path,
  body,
  auth = AUTH,
  query = {},
  headers = {},
}: Call): Promise<Answer> {
  const url = new URL(BASE + path);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  const response = await fetch(url, {
    method,
    headers: {
      connection: "close",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(auth === null ? {} : { authorization: auth }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  openapi.check({
    method,
    path: url.pathname.slice(new URL(BASE).pathname.length),
    status: response.status,
    contentType: response.headers.get("content-type"),
    body: text,
  });
  return {
    status: response.status,
    text,
    contentType: response.headers.get("content-type"),
    json: () => JSON.parse(text),
  };
}

const enc = encodeURIComponent;
const register = (username: string, extra: Partial<Record<"email" | "pwd", unknown>> = {}) =>
  call({
    method: "POST",
    path: "/register",
    body: { username, email: `${tag}@example.org`, pwd: "p4ss", ...extra },
  });
const tweet = (username: string, content: unknown) =>
  call({ method: "POST", path: `/msgs/${enc(username)}`, body: { content } });
const follow = (username: string, body: unknown) =>
  call({ method: "POST", path: `/fllws/${enc(username)}`, body });
const messagesOf = async (username: string, query: Record<string, string> = {}) =>
  (await call({ path: `/msgs/${enc(username)}`, query })).json() as {
    content: string;
    pub_date: number;
    user: string;
  }[];
const followsOf = async (username: string, query: Record<string, string> = {}) =>
  ((await call({ path: `/fllws/${enc(username)}`, query })).json() as { follows: string[] }).follows;
const latest = async () => (await call({ path: "/latest", auth: null })).text;

function expectError(answer: Answer, status: number, message?: string | RegExp) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.contentType).toMatch(/^application\/json/);
  const body = answer.json() as { status: number; error_msg: string };
  expect(body.status).toBe(status);
  expect(typeof body.error_msg).toBe("string");
  if (message !== undefined) expect(body.error_msg).toMatch(message);
}

// Users of this file: spaces and non-ASCII letters, as in the course's scenario.
const ROGER = `Roger Histand ${tag}`;
const ZOE = `Zoë Brontë ${tag}`;
const SQL = `Robert'); DROP TABLE users;-- ${tag}`;
const NOBODY = `Nobody ${tag}`;

beforeAll(async () => {
  for (const name of [ROGER, ZOE, SQL]) expect((await register(name)).status).toBe(204);
});

describe("authorization", () => {
  const protectedRoutes: Call[] = [
    { method: "GET", path: "/msgs" },
    { method: "GET", path: `/msgs/${enc(ROGER)}` },
    { method: "POST", path: `/msgs/${enc(ROGER)}`, body: { content: `must not be stored ${tag}` } },
    { method: "GET", path: `/fllws/${enc(ROGER)}` },
    { method: "POST", path: `/fllws/${enc(ROGER)}`, body: { follow: ZOE } },
  ];
  const b64 = (text: string) => Buffer.from(text).toString("base64");
  const wrongAuth: [string, string | null][] = [
    ["missing", null],
    ["empty", ""],
    ["lower-case scheme", AUTH.replace("Basic", "basic")],
    ["wrong password", `Basic ${b64("simulator:super_safe")}`],
    ["wrong user", `Basic ${b64("admin:super_safe!")}`],
    ["malformed base64", "Basic %%%not-base64%%%"],
    ["credentials in clear", "Basic simulator:super_safe!"],
    ["bearer scheme", `Bearer ${AUTH.slice(6)}`],
    ["trailing garbage", `${AUTH}x`],
  ];

  describe.each(protectedRoutes)("$method $path", (route) => {
    it.each(wrongAuth)("refuses %s credentials with the reference's 403 body", async (_name, auth) => {
      const answer = await call({ ...route, auth });
      expect(answer.status).toBe(403);
      expect(answer.text).toBe(FORBIDDEN);
      expect(answer.contentType).toMatch(/^application\/json/);
    });
  });

  it("did nothing for the refused requests", async () => {
    expect(await messagesOf(ROGER)).toEqual([]);
    expect(await followsOf(ROGER)).toEqual([]);
  });

  it.each([
    [
      "register",
      { method: "POST", path: "/register", body: { username: `Open ${tag}`, email: "o@x", pwd: "p" } },
      204,
    ],
    ["latest", { method: "GET", path: "/latest" }, 200],
  ] as const)("lets %s through without credentials", async (_name, route, status) => {
    expect((await call({ ...route, auth: null })).status).toBe(status);
  });
});

describe("latest", () => {
  let next = 1_000_000 + Math.floor(Math.random() * 1_000_000);
  const fresh = () => String(++next);

  it("answers 200 with an integer", async () => {
    const answer = await call({ path: "/latest", auth: null });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(Number.isInteger((answer.json() as { latest: unknown }).latest)).toBe(true);
  });

  it.each<[string, (id: string) => Call, number]>([
    [
      "a successful tweet",
      (id) => ({
        method: "POST",
        path: `/msgs/${enc(ROGER)}`,
        body: { content: `latest ${id}` },
        query: { latest: id },
      }),
      204,
    ],
    [
      "a 403",
      (id) => ({
        method: "POST",
        path: `/msgs/${enc(ROGER)}`,
        body: { content: "x" },
        auth: null,
        query: { latest: id },
      }),
      403,
    ],
    [
      "a 403 with a wrong password",
      (id) => ({ path: "/msgs", auth: "Basic eDp5", query: { latest: id } }),
      403,
    ],
    [
      "a 400 registration",
      (id) => ({ method: "POST", path: "/register", body: { username: "" }, query: { latest: id } }),
      400,
    ],
    [
      "a 400 malformed body",
      (id) => ({ method: "POST", path: `/fllws/${enc(ROGER)}`, body: "{", query: { latest: id } }),
      400,
    ],
    ["a 404", (id) => ({ path: `/msgs/${enc(NOBODY)}`, query: { latest: id } }), 404],
    [
      "a tweet by an unknown user",
      (id) => ({
        method: "POST",
        path: `/msgs/${enc(NOBODY)}`,
        body: { content: "x" },
        query: { latest: id },
      }),
      404,
    ],
    [
      "a follow",
      (id) => ({ method: "POST", path: `/fllws/${enc(SQL)}`, body: { follow: ZOE }, query: { latest: id } }),
      204,
    ],
    [
      "a follow already made",
      (id) => ({ method: "POST", path: `/fllws/${enc(SQL)}`, body: { follow: ZOE }, query: { latest: id } }),
      204,
    ],
    [
      "an unfollow",
      (id) => ({
        method: "POST",
        path: `/fllws/${enc(SQL)}`,
        body: { unfollow: ZOE },
        query: { latest: id },
      }),
      204,
    ],
    [
      "an unfollow of an unknown user",
      (id) => ({
        method: "POST",
        path: `/fllws/${enc(SQL)}`,
        body: { unfollow: NOBODY },
        query: { latest: id },
      }),
      404,
    ],
    ["a GET list", (id) => ({ path: "/msgs", query: { latest: id, no: "1" } }), 200],
    [
      "a register without credentials",
      (id) => ({
        method: "POST",
        path: "/register",
        body: { username: `L ${id} ${tag}`, email: "a@b", pwd: "p" },
        auth: null,
        query: { latest: id },
      }),
      204,
    ],
  ])("is recorded by %s, before anything else is decided", async (_name, request, status) => {
    const id = fresh();
    expect((await call(request(id))).status).toBe(status);
    expect(await latest()).toBe(`{"latest": ${id}}`);
  });

  it.each([
    ["-1", "-1"],
    ["a word", "abc"],
    ["a decimal", "1.5"],
    ["an empty value", ""],
    ["a number beyond 64 bits", "9223372036854775808"],
    ["SQL", "1; DROP TABLE simulator_state"],
  ])("ignores %s", async (_name, value) => {
    const id = fresh();
    await call({ path: "/msgs", query: { latest: id, no: "0" } });
    expect((await call({ path: "/msgs", query: { latest: value, no: "0" } })).status).toBe(200);
    expect(await latest()).toBe(`{"latest": ${id}}`);
  });

  it("keeps 64-bit values exact", async () => {
    await call({ path: "/msgs", query: { latest: "9223372036854775807", no: "0" } });
    expect(await latest()).toBe('{"latest": 9223372036854775807}');
    await call({ path: "/msgs", query: { latest: fresh(), no: "0" } });
  });

  it("is not changed by GET /latest itself", async () => {
    const id = fresh();
    await call({ path: "/msgs", query: { latest: id, no: "0" } });
    await call({ path: "/latest", query: { latest: fresh() } });
    expect(await latest()).toBe(`{"latest": ${id}}`);
  });
});

describe("POST /register", () => {
  it("answers 204 with an empty body", async () => {
    const answer = await register(`Fresh ${tag}`);
    expect(answer.status).toBe(204);
    expect(answer.text).toBe("");
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["an empty username", { username: "", email: "a@b", pwd: "p" }, "You have to enter a username"],
    ["a missing username", { email: "a@b", pwd: "p" }, "You have to enter a username"],
    [
      "an empty username before a bad email",
      { username: "", email: "", pwd: "" },
      "You have to enter a username",
    ],
    [
      "an empty email",
      { username: `E1 ${tag}`, email: "", pwd: "p" },
      "You have to enter a valid email address",
    ],
    [
      "an email without @",
      { username: `E2 ${tag}`, email: "nope", pwd: "p" },
      "You have to enter a valid email address",
    ],
    [
      "a bad email before an empty password",
      { username: `E3 ${tag}`, email: "nope", pwd: "" },
      "You have to enter a valid email address",
    ],
    ["an empty password", { username: `E4 ${tag}`, email: "a@b", pwd: "" }, "You have to enter a password"],
    ["a missing password", { username: `E5 ${tag}`, email: "a@b" }, "You have to enter a password"],
    ["a name in use", { username: ROGER, email: "a@b", pwd: "p" }, "The username is already taken"],
  ])("refuses %s with the reference's message", async (_name, body, message) => {
    const answer = await call({ method: "POST", path: "/register", body });
    expectError(answer, 400);
    expect((answer.json() as { error_msg: string }).error_msg).toBe(message);
  });

  it("refuses a 2 MB body with 413", async () => {
    expectError(await register(`big_${tag}`, { email: "x".repeat(2 * 1024 * 1024) }), 413);
  });

  it("lets exactly one of many racing registrations of one name through", async () => {
    const name = `Racer ${tag}`;
    const answers = await Promise.all(Array.from({ length: 8 }, () => register(name)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([204, 400, 400, 400, 400, 400, 400, 400]);
    for (const answer of answers.filter((a) => a.status === 400)) {
      expect((answer.json() as { error_msg: string }).error_msg).toBe("The username is already taken");
    }
  });

  it("stores SQL-looking names as plain text", async () => {
    expect((await tweet(SQL, "still here")).status).toBe(204);
    expect((await messagesOf(SQL)).map((m) => m.user)).toEqual([SQL]);
  });
});

describe("messages", () => {
  const texts = [`“First,” he said — it’s 🎉 ${tag}`, `Second 👍🏽🇩🇰 ${tag}`, `Third ‘quoted’ … \\ "x" ${tag}`];

  beforeAll(async () => {
    for (const text of texts) expect((await tweet(ZOE, text)).status).toBe(204);
  });

  it("POST answers 204 with an empty body", async () => {
    const answer = await tweet(ROGER, `hello ${tag}`);
    expect(answer.status).toBe(204);
    expect(answer.text).toBe("");
  });

  it("lists a user's messages newest first, byte for byte, with integer seconds", async () => {
    const before = Math.floor(Date.now() / 1000);
    const list = await messagesOf(ZOE);
    expect(list.map((m) => m.content)).toEqual([...texts].reverse());
    for (const message of list) {
      expect(Object.keys(message).sort()).toEqual(["content", "pub_date", "user"]);
      expect(message.user).toBe(ZOE);
      expect(Number.isInteger(message.pub_date)).toBe(true);
      expect(Math.abs(message.pub_date - before)).toBeLessThan(600);
    }
  });

  it("lists everyone's messages on GET /msgs, newest first", async () => {
    const answer = await call({ path: "/msgs" });
    expect(answer.status).toBe(200);
    const list = answer.json() as { content: string; user: string }[];
    const mine = list.filter((m) => m.content.endsWith(tag) && m.user === ZOE).map((m) => m.content);
    expect(mine).toEqual([...texts].reverse());
  });

  it.each<[string, string | undefined, number]>([
    ["default", undefined, 3],
    ["2", "2", 2],
    ["0", "0", 0],
    ["-5 (falls back to 100)", "-5", 3],
    ["abc (falls back to 100)", "abc", 3],
    ["1.5 (falls back to 100)", "1.5", 3],
    ["above the cap", "99999999", 3],
  ])("honours no=%s", async (_name, no, count) => {
    const list = await messagesOf(ZOE, no === undefined ? {} : { no });
    expect(list.map((m) => m.content)).toEqual([...texts].reverse().slice(0, count));
  });

  it("honours no on GET /msgs", async () => {
    expect((await call({ path: "/msgs", query: { no: "1" } })).json()).toHaveLength(1);
    expect((await call({ path: "/msgs", query: { no: "0" } })).text).toBe("[]");
  });

  it.each<[string, unknown, number]>([
    ["a missing content", {}, 400],
    ["a numeric content", { content: 42 }, 400],
    ["a null content", { content: null }, 400],
    ["an object content", { content: { text: "x" } }, 400],
    ["an over-long content", { content: "x".repeat(100_000) }, 400],
    ["malformed JSON", "{content:", 400],
    ["a JSON array", "[]", 400],
    ["a JSON string", '"content"', 400],
    ["an empty body", "", 400],
  ])("POST refuses %s with %d", async (_name, body, status) => {
    expectError(await call({ method: "POST", path: `/msgs/${enc(ROGER)}`, body }), status);
  });

  it("POST refuses a 2 MB body with 413", async () => {
    const body = JSON.stringify({ content: "x".repeat(2 * 1024 * 1024) });
    expectError(await call({ method: "POST", path: `/msgs/${enc(ROGER)}`, body }), 413);
  });

  it.each([
    ["GET", undefined],
    ["POST", { content: "to nobody" }],
  ])("%s for an unknown user is 404", async (method, body) => {
    expectError(await call({ method, path: `/msgs/${enc(NOBODY)}`, body }), 404);
  });

  it("stores SQL-looking text as plain text", async () => {
    const text = `'; DELETE FROM messages; -- ${tag}`;
    expect((await tweet(ROGER, text)).status).toBe(204);
    expect((await messagesOf(ROGER, { no: "1" }))[0]?.content).toBe(text);
  });
});

describe("follows", () => {
  const A = `Follower ${tag}`;
  const B = `Åsa Followee ${tag}`;
  const C = `Third Person ${tag}`;

  beforeAll(async () => {
    for (const name of [A, B, C]) expect((await register(name)).status).toBe(204);
  });

  it("follows, lists, unfollows", async () => {
    const answer = await follow(A, { follow: B });
    expect(answer.status).toBe(204);
    expect(answer.text).toBe("");
    expect((await follow(A, { follow: C })).status).toBe(204);
    expect((await followsOf(A)).sort()).toEqual([B, C].sort());
    expect((await follow(A, { unfollow: B })).status).toBe(204);
    expect(await followsOf(A)).toEqual([C]);
  });

  it("answers 204 to following twice, and lists the user once", async () => {
    expect((await follow(B, { follow: C })).status).toBe(204);
    expect((await follow(B, { follow: C })).status).toBe(204);
    expect(await followsOf(B)).toEqual([C]);
  });

  it("answers 204 to racing duplicate follows and stores one", async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, () => follow(C, { follow: A })));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(204));
    expect(await followsOf(C)).toEqual([A]);
  });

  it("answers 204 to unfollowing someone not followed, and to following oneself", async () => {
    expect((await follow(ZOE, { unfollow: ROGER })).status).toBe(204);
    expect((await follow(ZOE, { follow: ZOE })).status).toBe(204);
  });

  it("honours no", async () => {
    const list = await followsOf(A, { no: "0" });
    expect(list).toEqual([]);
    expect(await followsOf(A, { no: "1" })).toHaveLength(1);
  });

  it.each<[string, string, unknown, number]>([
    ["an unknown follower", NOBODY, { follow: B }, 404],
    ["an unknown followee", A, { follow: NOBODY }, 404],
    ["an unknown unfollowee", A, { unfollow: NOBODY }, 404],
    ["neither key", A, { befriend: B }, 400],
    ["an empty object", A, {}, 400],
    ["a numeric follow", A, { follow: 7 }, 400],
    ["a list of names", A, { follow: [B] }, 400],
    ["a null unfollow", A, { unfollow: null }, 400],
    ["malformed JSON", A, "{follow", 400],
    ["a JSON array", A, "[]", 400],
  ])("POST refuses %s with %d", async (_name, user, body, status) => {
    expectError(await follow(user, body), status);
  });

  it("GET for an unknown user is 404", async () => {
    expectError(await call({ path: `/fllws/${enc(NOBODY)}` }), 404);
  });

  it("POST refuses a 2 MB body with 413", async () => {
    expectError(await follow(A, JSON.stringify({ follow: "x".repeat(2 * 1024 * 1024) })), 413);
  });
});

describe("usernames in paths", () => {
  it.each([
    ["spaces as %20", `Space Name ${tag}`, (n: string) => enc(n)],
    ["non-ASCII letters", `Łukasz Świątek ${tag}`, (n: string) => enc(n)],
    ["an apostrophe", `D'Angelo ${tag}`, (n: string) => enc(n)],
    ["a plus sign", `a+b ${tag}`, (n: string) => enc(n)],
  ])("round-trips %s", async (_name, name, encode) => {
    expect((await register(name)).status).toBe(204);
    expect(
      (await call({ method: "POST", path: `/msgs/${encode(name)}`, body: { content: `hi ${tag}` } })).status,
    ).toBe(204);
    expect((await call({ path: `/msgs/${encode(name)}` })).json()).toEqual([
      expect.objectContaining({ user: name, content: `hi ${tag}` }),
    ]);
  });

  it.each([
    ["a NUL byte", "%00"],
    ["invalid UTF-8", "%FF%FE"],
    ["a very long name", "x".repeat(5000)],
    ["an encoded slash", "a%2Fb"],
  ])("answers a clean 4xx for %s", async (_name, raw) => {
    for (const request of [
      { path: `/msgs/${raw}` },
      { method: "POST", path: `/msgs/${raw}`, body: { content: "x" } },
      { path: `/fllws/${raw}` },
      { method: "POST", path: `/fllws/${raw}`, body: { follow: ROGER } },
    ]) {
      const answer = await call(request);
      expect(
        answer.status,
        `${request.method ?? "GET"} ${request.path}: ${answer.text}`,
      ).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
    }
  });

  it("answers 404, not 500, for a follow target with a NUL byte", async () => {
    expectError(await follow(ROGER, { follow: "a\u0000b" }), 404);
  });
});

describe("routing", () => {
  it.each([["/nope"], ["/msgs/a/b"], ["/register/extra"], [""]])(
    "answers unknown path %j with 404 JSON",
    async (path) => {
      expectError(await call({ path }), 404);
    },
  );

  it.each([
    ["GET", "/register"],
    ["PUT", "/register"],
    ["DELETE", "/msgs"],
    ["POST", "/msgs"],
    ["POST", "/latest"],
    ["PATCH", `/msgs/${enc(ROGER)}`],
    ["DELETE", `/fllws/${enc(ROGER)}`],
  ])("answers %s %s with 405 JSON", async (method, path) => {
    expectError(await call({ method, path }), 405);
  });
});

describe("the OpenAPI document", () => {
  // Runs last: by now every request above went through `call`, which checked each answer.
  it("describes no answer the server was not seen to give", () => {
    expect(openapi.unseen()).toEqual([]);
  });
});
