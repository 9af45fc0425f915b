import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb } from "@/lib/db/prisma";
import { follow } from "@/lib/domain/follows";
import { createMessage, createUser, uniqueName } from "@/e2e/support/fixtures";
import { countQueries } from "@/e2e/support/query-counter";
import { createContext } from "./context";
import { runOperation } from "./execute";
import { toGlobalId } from "./global-id";
import { anonymous, gql, signedIn, viewerOf } from "./test-helpers";

afterAll(disconnectDb);

type Conn<T> = {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
};
type Msg = { id: string; databaseId: number; text: string; pubDate: string; author: { username: string } };

const PUBLIC = gql<{ publicTimeline: Conn<Msg> }, { first?: number; after?: string | null }>(`
  query ($first: Int, $after: String) {
    publicTimeline(first: $first, after: $after) {
      edges { cursor node { id databaseId text pubDate author { username } } }
      pageInfo { hasNextPage endCursor }
    }
  }`);

const HOME = gql<{ homeTimeline: Conn<Msg> }, { first?: number; after?: string | null }>(`
  query ($first: Int, $after: String) {
    homeTimeline(first: $first, after: $after) {
      edges { cursor node { id databaseId text pubDate author { username } } }
      pageInfo { hasNextPage endCursor }
    }
  }`);

type Profile = {
  id: string;
  databaseId: number;
  username: string;
  avatarUrl: string;
  createdAt: string;
  followersCount: number;
  followingCount: number;
  viewerIsFollowing: boolean;
  messages: Conn<{ text: string }>;
  following: Conn<{ username: string }>;
  followers: Conn<{ username: string }>;
};
const PROFILE = gql<{ user: Profile | null }, { username: string }>(`
  query ($username: String!) {
    user(username: $username) {
      id databaseId username avatarUrl createdAt followersCount followingCount viewerIsFollowing
      messages(first: 2) { edges { node { text } } pageInfo { hasNextPage endCursor } }
      following { edges { node { username } } pageInfo { hasNextPage endCursor } }
      followers { edges { node { username } } pageInfo { hasNextPage endCursor } }
    }
  }`);

describe("queries", () => {
  it("viewer: null when anonymous, the user when signed in", async () => {
    const query = gql<{ viewer: { username: string } | null }>(`{ viewer { username } }`);
    expect((await runOperation(query, {}, anonymous())).data).toEqual({ viewer: null });
    const user = await createUser();
    expect((await runOperation(query, {}, signedIn(user))).data).toEqual({
      viewer: { username: user.username },
    });
  });

  it("user: profile, counts, lists and viewerIsFollowing", async () => {
    const alice = await createUser();
    const bob = await createUser();
    await follow({ id: bob.id }, alice.username);
    for (const text of ["one", "two", "three"]) await createMessage(alice.id, text);

    const asBob = await runOperation(PROFILE, { username: alice.username }, signedIn(bob));
    expect(asBob.errors).toBeUndefined();
    const profile = asBob.data?.user;
    expect(profile).toMatchObject({
      databaseId: alice.id,
      username: alice.username,
      followersCount: 1,
      followingCount: 0,
      viewerIsFollowing: true,
    });
    expect(profile?.avatarUrl).toMatch(/^\/avatar\/[0-9a-f]{32}$/);
    expect(profile?.messages.edges.map((e) => e.node.text)).toEqual(["three", "two"]);
    expect(profile?.messages.pageInfo.hasNextPage).toBe(true);
    expect(profile?.followers.edges.map((e) => e.node.username)).toEqual([bob.username]);

    const anon = await runOperation(PROFILE, { username: alice.username }, anonymous());
    expect(anon.data?.user?.viewerIsFollowing).toBe(false);
    expect((await runOperation(PROFILE, { username: uniqueName("ghost") }, anonymous())).data).toEqual({
      user: null,
    });
  });

  it("message and node: by global id, flagged ones hidden except from admins", async () => {
    const author = await createUser();
    const admin = await createUser({ role: "ADMIN" });
    const id = await createMessage(author.id, "hello");
    const query = gql<
      {
        message: { text: string } | null;
        node: { __typename: string; username?: string; text?: string } | null;
      },
      { id: string; nodeId: string }
    >(`query ($id: ID!, $nodeId: ID!) {
         message(id: $id) { text }
         node(id: $nodeId) { __typename ... on User { username } ... on Message { text } }
       }`);
    const messageId = toGlobalId("Message", id);
    expect(
      (await runOperation(query, { id: messageId, nodeId: toGlobalId("User", author.id) }, anonymous())).data,
    ).toEqual({
      message: { text: "hello" },
      node: { __typename: "User", username: author.username },
    });
    expect((await runOperation(query, { id: "garbage", nodeId: messageId }, anonymous())).data).toEqual({
      message: null,
      node: { __typename: "Message", text: "hello" },
    });

    const FLAG = gql<{ flagMessage: { message: { flagged: boolean } } }, { id: string }>(
      `mutation ($id: ID!) { flagMessage(input: { id: $id }) { message { flagged } } }`,
    );
    expect(
      (await runOperation(FLAG, { id: messageId }, signedIn(admin))).data?.flagMessage.message.flagged,
    ).toBe(true);
    expect((await runOperation(query, { id: messageId, nodeId: messageId }, anonymous())).data).toEqual({
      message: null,
      node: null,
    });
    expect(
      (await runOperation(query, { id: messageId, nodeId: messageId }, signedIn(admin))).data?.message,
    ).toEqual({
      text: "hello",
    });
  });

  it("publicTimeline pages without duplicates or gaps while new messages arrive", async () => {
    const author = await createUser();
    const mine: number[] = [];
    for (let i = 0; i < 12; i++) mine.push(await createMessage(author.id, `p${i}`));
    const seen: number[] = [];
    let after: string | null = null;
    // Other test files write concurrently: walk until all of ours went by.
    while (seen.filter((id) => mine.includes(id)).length < mine.length) {
      const result: { data?: { publicTimeline: Conn<Msg> } | null } = await runOperation(
        PUBLIC,
        { first: 5, after },
        anonymous(),
      );
      const page = result.data?.publicTimeline;
      if (!page) throw new Error("no page");
      seen.push(...page.edges.map((e) => e.node.databaseId));
      await createMessage(author.id, "arrived meanwhile");
      expect(page.edges.at(-1)?.cursor).toBe(page.pageInfo.endCursor);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => mine.includes(id))).toEqual([...mine].reverse());
  });

  it("homeTimeline needs a viewer and shows own plus followed messages", async () => {
    const unauth = await runOperation(HOME, {}, anonymous());
    expect(unauth.errors?.[0]?.extensions.code).toBe("UNAUTHENTICATED");

    const me = await createUser();
    const friend = await createUser();
    await follow({ id: me.id }, friend.username);
    const a = await createMessage(me.id, "mine");
    const b = await createMessage(friend.id, "friend");
    const result = await runOperation(HOME, { first: 10 }, signedIn(me));
    expect(result.data?.homeTimeline.edges.map((e) => e.node.databaseId)).toEqual([b, a]);
  });

  it("refuses first outside 1..100 and malformed cursors with BAD_USER_INPUT", async () => {
    for (const variables of [{ first: 0 }, { first: 101 }, { first: -5 }, { first: 10, after: "bogus!" }]) {
      const result = await runOperation(PUBLIC, variables, anonymous());
      expect(result.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");
    }
    expect((await runOperation(PUBLIC, { first: 100 }, anonymous())).errors).toBeUndefined();
  });

  it("exposes neither email nor password hash", async () => {
    for (const field of ["email", "pwHash", "pw_hash", "password"]) {
      const result = await runOperation(
        gql(`{ publicTimeline { edges { node { author { ${field} } } } } }`),
        {},
        anonymous(),
      );
      expect(result.errors?.[0]?.message).toMatch(/Cannot query field/);
      expect(result.data).toBeUndefined();
    }
  });

  it("costs a constant number of SQL queries for a page of 30 with authors (no N+1)", async () => {
    const reader = await createUser();
    for (let i = 0; i < 30; i++) {
      const author = await createUser();
      await createMessage(author.id, `n+1 probe ${i}`);
    }
    const query = gql(`{
      publicTimeline(first: 30) {
        edges { node { text pubDate author { username avatarUrl createdAt followersCount followingCount viewerIsFollowing } } }
      }
    }`);
    const { result, queries } = await countQueries(() => runOperation(query, {}, signedIn(reader)));
    expect(result.errors).toBeUndefined();
    // The page, its authors in one batch (Prisma's `include`), then one batch each for follower
    // counts, following counts and follow flags.
    expect(queries).toHaveLength(5);
  });
});

describe("mutations", () => {
  const REGISTER = gql<
    { register: { user: { username: string } } },
    { username: string; email: string; password: string }
  >(
    `mutation ($username: String!, $email: String!, $password: String!) {
       register(input: { username: $username, email: $email, password: $password }) { user { username } }
     }`,
  );

  it("register uses web rules outside the simulator", async () => {
    const username = uniqueName("web");
    const ok = await runOperation(REGISTER, { username, email: "w@x", password: "long enough" }, anonymous());
    expect(ok.data?.register.user.username).toBe(username);
    const short = await runOperation(
      REGISTER,
      { username: uniqueName(), email: "w@x", password: "x".repeat(129) },
      anonymous(),
    );
    expect(short.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", field: "password" });
    const reserved = await runOperation(
      REGISTER,
      { username: "public", email: "w@x", password: "long enough" },
      anonymous(),
    );
    expect(reserved.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", field: "username" });
    const taken = await runOperation(
      REGISTER,
      { username, email: "w@x", password: "long enough" },
      anonymous(),
    );
    expect(taken.errors?.[0]?.extensions).toMatchObject({ code: "USERNAME_TAKEN" });
    expect(taken.errors?.[0]?.message).toBe("The username is already taken");
  });

  it("postMessage, follow and unfollow act as the viewer and need one", async () => {
    const me = await createUser();
    const other = await createUser();
    const POST = gql<
      { postMessage: { message: { text: string; author: { username: string } } } },
      { text: string }
    >(
      `mutation ($text: String!) { postMessage(input: { text: $text }) { message { text author { username } } } }`,
    );
    const FOLLOW = gql<
      { follow: { user: { username: string; viewerIsFollowing: boolean; followersCount: number } } },
      { username: string }
    >(
      `mutation ($username: String!) { follow(input: { username: $username }) { user { username viewerIsFollowing followersCount } } }`,
    );
    const UNFOLLOW = gql<{ unfollow: { user: { viewerIsFollowing: boolean } } }, { username: string }>(
      `mutation ($username: String!) { unfollow(input: { username: $username }) { user { viewerIsFollowing } } }`,
    );
    expect((await runOperation(POST, { text: "hi" }, anonymous())).errors?.[0]?.extensions.code).toBe(
      "UNAUTHENTICATED",
    );
    expect(
      (await runOperation(FOLLOW, { username: other.username }, anonymous())).errors?.[0]?.extensions.code,
    ).toBe("UNAUTHENTICATED");

    const posted = await runOperation(POST, { text: " spaced " }, signedIn(me));
    expect(posted.data?.postMessage.message).toEqual({ text: " spaced ", author: { username: me.username } });
    const empty = await runOperation(POST, { text: "   " }, signedIn(me));
    expect(empty.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", field: "text" });

    const followed = await runOperation(FOLLOW, { username: other.username }, signedIn(me));
    expect(followed.data?.follow.user).toEqual({
      username: other.username,
      viewerIsFollowing: true,
      followersCount: 1,
    });
    const missing = await runOperation(FOLLOW, { username: uniqueName("ghost") }, signedIn(me));
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: "USER_NOT_FOUND" });
    const unfollowed = await runOperation(UNFOLLOW, { username: other.username }, signedIn(me));
    expect(unfollowed.data?.unfollow.user.viewerIsFollowing).toBe(false);
  });

  it("API tokens: created from a session, listed without the secret, revoked", async () => {
    const me = await createUser();
    const CREATE = gql<
      { createApiToken: { token: string; apiToken: { id: string; name: string } } },
      { name: string }
    >(`mutation ($name: String!) { createApiToken(input: { name: $name }) { token apiToken { id name } } }`);
    const LIST = gql<{ apiTokens: { id: string; name: string; revokedAt: string | null }[] }>(
      `{ apiTokens { id name revokedAt } }`,
    );
    const REVOKE = gql<{ revokeApiToken: { apiToken: { revokedAt: string | null } } }, { id: string }>(
      `mutation ($id: ID!) { revokeApiToken(input: { id: $id }) { apiToken { revokedAt } } }`,
    );
    expect((await runOperation(CREATE, { name: "x" }, anonymous())).errors?.[0]?.extensions.code).toBe(
      "UNAUTHENTICATED",
    );
    const viaToken = createContext({ viewer: viewerOf(me), viewerSource: "token" });
    expect((await runOperation(CREATE, { name: "x" }, viaToken)).errors?.[0]?.extensions.code).toBe(
      "FORBIDDEN",
    );

    const created = await runOperation(CREATE, { name: "ci" }, signedIn(me));
    const tokenId = created.data?.createApiToken.apiToken.id ?? "";
    expect(created.data?.createApiToken.token).toMatch(/^mt_/);
    expect((await runOperation(LIST, {}, signedIn(me))).data?.apiTokens).toEqual([
      { id: tokenId, name: "ci", revokedAt: null },
    ]);
    const revoked = await runOperation(REVOKE, { id: tokenId }, signedIn(me));
    expect(revoked.data?.revokeApiToken.apiToken.revokedAt).toMatch(/Z$/);

    const stranger = await createUser();
    const notYours = await runOperation(REVOKE, { id: tokenId }, signedIn(stranger));
    expect(notYours.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");
  });

  it("flagging needs an admin and an existing message", async () => {
    const user = await createUser();
    const admin = await createUser({ role: "ADMIN" });
    const id = toGlobalId("Message", await createMessage(user.id, "spam"));
    const FLAG = gql<{ flagMessage: { message: { flagged: boolean } } }, { id: string }>(
      `mutation ($id: ID!) { flagMessage(input: { id: $id }) { message { flagged } } }`,
    );
    const UNFLAG = gql<{ unflagMessage: { message: { flagged: boolean } } }, { id: string }>(
      `mutation ($id: ID!) { unflagMessage(input: { id: $id }) { message { flagged } } }`,
    );
    expect((await runOperation(FLAG, { id }, anonymous())).errors?.[0]?.extensions.code).toBe(
      "UNAUTHENTICATED",
    );
    expect((await runOperation(FLAG, { id }, signedIn(user))).errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    expect(
      (await runOperation(FLAG, { id: toGlobalId("Message", 2_000_000_000) }, signedIn(admin))).errors?.[0]
        ?.extensions.code,
    ).toBe("MESSAGE_NOT_FOUND");
    expect(
      (await runOperation(FLAG, { id: toGlobalId("User", user.id) }, signedIn(admin))).errors?.[0]?.extensions
        .code,
    ).toBe("BAD_USER_INPUT");
    expect((await runOperation(FLAG, { id }, signedIn(admin))).data?.flagMessage.message.flagged).toBe(true);
    expect((await runOperation(UNFLAG, { id }, signedIn(admin))).data?.unflagMessage.message.flagged).toBe(
      false,
    );
  });
});
