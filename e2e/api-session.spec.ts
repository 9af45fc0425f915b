import { expect, test } from "@playwright/test";
import { newSignedInUser } from "./support/users";

test.describe("/api/graphql and the web session", () => {
  test("a signed-in browser calls the API as its user, and can create a personal API token", async ({
    page,
  }) => {
    const username = await newSignedInUser(page, "api");
    const request = page.context().request;
    const viewer = await request.post("/api/graphql", { data: { query: "{ viewer { username } }" } });
    expect(await viewer.json()).toEqual({ data: { viewer: { username } } });

    const created = await request.post("/api/graphql", {
      data: {
        query: "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { name } } }",
        variables: { i: { name: "e2e" } },
      },
    });
    const { data } = (await created.json()) as { data: { createApiToken: { token: string } } };
    expect(data.createApiToken.token).toMatch(/^mt_/);

    // The token works on its own, without the session cookie.
    const withToken = await fetch(new URL("/api/graphql", page.url()), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${data.createApiToken.token}` },
      body: JSON.stringify({ query: "{ viewer { username } }" }),
    });
    expect(await withToken.json()).toEqual({ data: { viewer: { username } } });
  });

  test("without a session or token the viewer is null", async ({ playwright, baseURL }) => {
    const anonymous = await playwright.request.newContext({ baseURL });
    const res = await anonymous.post("/api/graphql", { data: { query: "{ viewer { username } }" } });
    expect(await res.json()).toEqual({ data: { viewer: null } });
    await anonymous.dispose();
  });
});
