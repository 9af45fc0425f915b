import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { dbPool, disconnectDb } from "@/lib/db/prisma";
import { createApiToken } from "@/lib/domain/tokens";
import { createMessage, createUser } from "@/e2e/support/fixtures";
import { createGraphQLHandler, graphqlRoute, type SessionViewerLookup } from "./http";
import { LIMITS } from "./limits";
import { viewerOf } from "./test-helpers";

const URL_ = "http://localhost/api/graphql";
let handlers = 0;
/** Each handler its own counters in the shared table, so tests do not spend each other's budget. */
const keyPrefix = () => `test-graphql-${process.pid}-${++handlers}`;
/** The session lookup the route is given; a test sets who is "signed in". */
const anonymous: SessionViewerLookup = async () => null;
let signedIn = anonymous;
const sessionViewer: SessionViewerLookup = (req) => signedIn(req);
const { GET, POST } = graphqlRoute(sessionViewer);

afterEach(() => {
  signedIn = anonymous;
});
afterAll(disconnectDb);

type Body = {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
};

function post(body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(URL_, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function call(
  handler: (req: Request) => Promise<Response>,
  query: string,
  options: { variables?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Body; response: Response }> {
  const response = await handler(post({ query, variables: options.variables }, options.headers));
  return { status: response.status, body: (await response.json()) as Body, response };
}

describe("/api/graphql", () => {
  it("serves public reads anonymously, with introspection on", async () => {
    const author = await createUser();
    await createMessage(author.id, "over http");
    const { status, body } = await call(POST, `{ publicTimeline(first: 5) { edges { node { text } } } }`);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const schema = await call(POST, `{ __schema { queryType { name } } }`);
    expect(schema.body.data).toEqual({ __schema: { queryType: { name: "Query" } } });
  });

  it("accepts JSON with a charset, and answers malformed JSON with 400", async () => {
    const res = await POST(
      post({ query: "{ viewer { username } }" }, { "content-type": "application/json; charset=utf-8" }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { viewer: null } });
    const bad = await POST(post("{not json"));
    expect(bad.status).toBe(400);
  });

  it("blocks simple cross-site requests (CSRF prevention)", async () => {
    const get = await GET(new Request(`${URL_}?query=${encodeURIComponent("{ viewer { username } }")}`));
    expect(get.status).toBe(400);
    const form = await POST(
      new Request(URL_, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: '{"query":"{ viewer { username } }"}',
      }),
    );
    expect(form.status).toBe(400);
    const preflighted = await GET(
      new Request(`${URL_}?query=${encodeURIComponent("{ viewer { username } }")}`, {
        headers: { "apollo-require-preflight": "1" },
      }),
    );
    expect(preflighted.status).toBe(200);
  });

  it("never exposes email or password hash", async () => {
    for (const field of ["email", "pwHash"]) {
      const { status, body } = await call(POST, `{ user(username: "x") { ${field} } }`);
      expect(status).toBe(400);
      expect(body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    }
  });

  it("turns domain errors into extensions.code and validates first", async () => {
    const { body } = await call(POST, `{ publicTimeline(first: 101) { edges { cursor } } }`);
    expect(body.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", field: "first" });
    const home = await call(POST, `{ homeTimeline { edges { cursor } } }`);
    expect(home.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const forbidden = await call(POST, `mutation { recordLatest(input: { value: "5" }) { latest } }`);
    expect(forbidden.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const acting = await call(
      POST,
      `mutation { postMessage(input: { text: "x", actingAs: "someone" }) { message { id } } }`,
    );
    expect(acting.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("web session → token created, token reads as the user, revoked token → 401", async () => {
    const user = await createUser();
    signedIn = async (req) => (req.headers.get("x-test-session") === "yes" ? viewerOf(user) : null);
    const session = { "x-test-session": "yes" };

    const created = await call(
      POST,
      `mutation { createApiToken(input: { name: "cli" }) { token apiToken { id } } }`,
      {
        headers: session,
      },
    );
    const payload = created.body.data?.createApiToken as { token: string; apiToken: { id: string } };
    expect(payload.token).toMatch(/^mt_/);
    const bearer = { authorization: `Bearer ${payload.token}` };

    const me = await call(POST, `{ viewer { username } }`, { headers: bearer });
    expect(me.body.data).toEqual({ viewer: { username: user.username } });
    const posted = await call(
      POST,
      `mutation { postMessage(input: { text: "via token" }) { message { author { username } } } }`,
      {
        headers: bearer,
      },
    );
    expect(posted.body.data).toEqual({ postMessage: { message: { author: { username: user.username } } } });
    const mint = await call(POST, `mutation { createApiToken(input: { name: "again" }) { token } }`, {
      headers: bearer,
    });
    expect(mint.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    const revoked = await call(
      POST,
      `mutation ($id: ID!) { revokeApiToken(input: { id: $id }) { apiToken { revokedAt } } }`,
      {
        variables: { id: payload.apiToken.id },
        headers: session,
      },
    );
    expect(revoked.body.errors).toBeUndefined();
    const after = await call(POST, `{ viewer { username } }`, { headers: bearer });
    expect(after.status).toBe(401);
    expect(after.response.headers.get("www-authenticate")).toContain("invalid_token");
    expect(after.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const garbage = await call(POST, `{ viewer { username } }`, {
      headers: { authorization: "Bearer nope" },
    });
    expect(garbage.status).toBe(401);
  });

  it("enforces depth, alias, cost and token limits", async () => {
    let deep = "username";
    for (let i = 0; i < LIMITS.maxDepth; i++) deep = `followers { edges { node { ${deep} } } }`;
    const depth = await call(POST, `{ user(username: "x") { ${deep} } }`);
    expect(depth.status).toBe(400);
    expect(depth.body.errors?.map((e) => e.message).join("\n")).toMatch(/depth limit of 12 exceeded/i);

    const aliases = Array.from(
      { length: LIMITS.maxAliases + 1 },
      (_, i) => `a${i}: viewer { username }`,
    ).join(" ");
    const alias = await call(POST, `{ ${aliases} }`);
    expect(alias.status).toBe(400);
    expect(alias.body.errors?.map((e) => e.message).join("\n")).toMatch(/aliases limit of 15 exceeded/i);

    // Within the depth limit, but each level fans out to two lists of users.
    const leaf = "username avatarUrl createdAt followersCount followingCount viewerIsFollowing databaseId id";
    const lists = (inner: string) =>
      `followers { edges { node { ${leaf} ${inner} } } } following { edges { node { ${leaf} ${inner} } } }`;
    const wide = `{ user(username: "x") { ${leaf} ${lists(lists(lists("")))} } }`;
    const cost = await call(POST, wide);
    expect(cost.status).toBe(400);
    expect(cost.body.errors?.map((e) => e.message).join("\n")).toMatch(/cost limit of 5000 exceeded/i);

    // The cost error says what to do about it, and is not dressed up as a syntax error.
    const costMessage = cost.body.errors?.[0]?.message ?? "";
    expect(costMessage).toMatch(/lower `first`/);
    expect(costMessage).not.toMatch(/syntax error/i);

    const tokens = await call(POST, `{ ${"viewer { username } ".repeat(LIMITS.maxTokens / 3)} }`);
    expect(tokens.status).toBe(400);
    expect(tokens.body.errors?.[0]?.message).toMatch(/tokens/);
  });

  it("answers a `first` outside 1..100 as bad input, before any cost limit", async () => {
    for (const first of [0, 101, 1000, 1_000_000]) {
      const page = await call(POST, `{ publicTimeline(first: ${first}) { edges { node { text } } } }`);
      expect(page.status).toBe(400);
      expect(page.body.errors, JSON.stringify(page.body.errors)).toHaveLength(1);
      expect(page.body.errors?.[0]?.message).toBe("first must be between 1 and 100");
      expect(page.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }
    // Given as a variable, the resolver says the same.
    const variable = await call(
      POST,
      `query ($n: Int) { publicTimeline(first: $n) { edges { node { text } } } }`,
      {
        variables: { n: 1000 },
      },
    );
    expect(variable.body.errors?.[0]?.message).toBe("first must be between 1 and 100");
    expect(variable.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const ok = await call(POST, `{ publicTimeline(first: 100) { edges { node { text } } } }`);
    expect(ok.body.errors).toBeUndefined();
  });

  it("masks unexpected errors: no SQL, no stack trace", async () => {
    const handler = createGraphQLHandler({
      rateLimitPerMinute: 1000,
      rateLimitKeyPrefix: keyPrefix(),
      maskErrors: true,
    });
    // Only the timeline's statement fails; the rate limit's own statement on the pool goes through.
    const pool = dbPool();
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    const spy = vi.spyOn(pool, "query").mockImplementation(((...args: unknown[]) => {
      const first = args[0] as string | { text?: string };
      const text = typeof first === "string" ? first : (first.text ?? "");
      if (/\bmessages\b/.test(text)) {
        return Promise.reject(new Error('relation "messages" does not exist: SELECT secret'));
      }
      return query(...args);
    }) as typeof pool.query);
    const quiet = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const { status, body } = await call(handler, `{ publicTimeline { edges { cursor } } }`);
      expect(status).toBe(200);
      expect(body.errors?.[0]).toEqual({
        message: "Internal server error",
        path: ["publicTimeline"],
        extensions: { code: "INTERNAL_SERVER_ERROR" },
      });
      expect(JSON.stringify(body)).not.toMatch(/SELECT|stacktrace|relation/);
    } finally {
      spy.mockRestore();
      quiet.mockRestore();
    }
  });

  it("rate limits per client with 429 and Retry-After", async () => {
    const handler = createGraphQLHandler({
      rateLimitPerMinute: 3,
      rateLimitKeyPrefix: keyPrefix(),
      maskErrors: false,
      sessionViewer,
    });
    const from = (ip: string) => ({ headers: { "x-minitwit-client-ip": ip } });
    for (let i = 0; i < 3; i++)
      expect((await call(handler, `{ viewer { username } }`, from("203.0.113.7"))).status).toBe(200);
    const limited = await call(handler, `{ viewer { username } }`, from("203.0.113.7"));
    expect(limited.status).toBe(429);
    expect(Number(limited.response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.body.errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
    expect((await call(handler, `{ viewer { username } }`, from("198.51.100.1"))).status).toBe(200);
  });

  it("rate limits a signed-in user as one client, wherever they call from", async () => {
    const handler = createGraphQLHandler({
      rateLimitPerMinute: 2,
      rateLimitKeyPrefix: keyPrefix(),
      maskErrors: false,
      sessionViewer,
    });
    const user = await createUser();
    signedIn = async (req) => (req.headers.has("cookie") ? viewerOf(user) : null);
    const as = (ip: string) => ({ headers: { cookie: "session", "x-minitwit-client-ip": ip } });
    expect((await call(handler, `{ viewer { username } }`, as("192.0.2.11"))).status).toBe(200);
    expect((await call(handler, `{ viewer { username } }`, as("192.0.2.12"))).status).toBe(200);
    expect((await call(handler, `{ viewer { username } }`, as("192.0.2.13"))).status).toBe(429);
    const anonymous = { headers: { "x-minitwit-client-ip": "192.0.2.13" } };
    expect((await call(handler, `{ viewer { username } }`, anonymous)).status).toBe(200);
  });

  it("rate limits a token as one client, wherever it calls from", async () => {
    const handler = createGraphQLHandler({
      rateLimitPerMinute: 2,
      rateLimitKeyPrefix: keyPrefix(),
      maskErrors: false,
      sessionViewer,
    });
    const user = await createUser();
    const { token } = await createApiToken(user.id, "busy");
    const as = (ip: string) => ({
      headers: { authorization: `Bearer ${token}`, "x-minitwit-client-ip": ip },
    });
    expect((await call(handler, `{ viewer { username } }`, as("192.0.2.1"))).status).toBe(200);
    expect((await call(handler, `{ viewer { username } }`, as("192.0.2.2"))).status).toBe(200);
    expect((await call(handler, `{ viewer { username } }`, as("192.0.2.3"))).status).toBe(429);
    // The address itself still has its own allowance.
    expect(
      (await call(handler, `{ viewer { username } }`, { headers: { "x-minitwit-client-ip": "192.0.2.3" } }))
        .status,
    ).toBe(200);
  });
});
