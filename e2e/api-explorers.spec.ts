import { expect, test, type Page } from "@playwright/test";
import { messageItems, newSignedInUser, uniqueName } from "./support/users";

/**
 * The API explorers (GraphiQL at /api/graphql, Swagger UI at /docs/sim) work with no network but
 * the app: every request elsewhere is aborted and recorded, and so is every CSP violation or
 * script error, and the test fails if there is any.
 */
async function offlineButTheApp(page: Page, baseURL: string) {
  const blocked: string[] = [];
  const problems: string[] = [];
  await page.context().route("**/*", async (route) => {
    const url = route.request().url();
    if (url.startsWith(`${baseURL}/`)) return route.continue();
    blocked.push(url);
    return route.abort("internetdisconnected");
  });
  page.on("console", (message) => {
    if (message.type() === "error" || /Content.Security.Policy/i.test(message.text()))
      problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(String(error)));
  return { blocked, problems };
}

function expectPageCsp(csp: string | undefined) {
  expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("style-src 'self' 'nonce-");
  expect(csp).not.toContain("unsafe-inline");
}

test("GET /api/graphql in a browser is GraphiQL, offline, under the pages' CSP, and runs a query", async ({
  page,
  baseURL,
}) => {
  const username = await newSignedInUser(page, "explorer");
  const text = `explored ${uniqueName("m")}`;
  await page.getByRole("textbox", { name: /What's on your mind/ }).fill(text);
  await page.getByRole("button", { name: "Share" }).click();
  await expect(messageItems(page).filter({ hasText: text })).toHaveCount(1);

  const { blocked, problems } = await offlineButTheApp(page, baseURL!);
  const response = await page.goto("/api/graphql");
  expect(response?.status()).toBe(200);
  expect(new URL(page.url()).pathname).toBe("/api/graphql");
  expectPageCsp(response?.headers()["content-security-policy"]);
  // GraphiQL's stylesheet embeds its fonts; that page alone admits data: fonts.
  expect(response?.headers()["content-security-policy"]).toContain("font-src 'self' data:;");

  // The explorer's example query is the public timeline; the newest message is this one.
  await expect(page.locator(".graphiql-query-editor .CodeMirror")).toContainText("publicTimeline(first: 5)");
  await page.getByRole("button", { name: /Execute query/ }).click();
  const result = page.locator(".graphiql-response");
  await expect(result).toContainText(`"text": "${text}"`);
  await expect(result).toContainText(`"username": "${username}"`);
  await expect(result).toContainText('"hasNextPage"');

  // The schema came from introspection: the documentation explorer lists the root types.
  await page.getByRole("button", { name: /Show Documentation Explorer/ }).click();
  await expect(page.locator(".graphiql-doc-explorer")).toContainText("Query");

  expect(blocked).toEqual([]);
  expect(problems).toEqual([]);
});

test("API clients still get JSON from GET /api/graphql", async ({ request }) => {
  const response = await request.get("/api/graphql?query=%7B__typename%7D", {
    headers: { accept: "application/json", "apollo-require-preflight": "true" },
  });
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ data: { __typename: "Query" } });
});

test("/docs/sim is Swagger UI for the simulator protocol, offline, under the pages' CSP", async ({
  page,
  baseURL,
}) => {
  const { blocked, problems } = await offlineButTheApp(page, baseURL!);
  const response = await page.goto("/docs/sim");
  expect(response?.status()).toBe(200);
  expectPageCsp(response?.headers()["content-security-policy"]);

  await expect(page.locator(".swagger-ui .info .title")).toContainText("Minitwit simulator protocol");
  for (const operation of [
    "getLatest",
    "register",
    "listMessages",
    "postMessage",
    "listFollows",
    "followOrUnfollow",
  ]) {
    await expect(page.locator(`[id^="operations-"][id$="-${operation}"]`)).toBeVisible();
  }

  // Try GET /latest for real, from the page.
  const latest = page.locator('[id$="-getLatest"]');
  await latest.locator(".opblock-summary").click();
  await latest.getByRole("button", { name: "Try it out" }).click();
  await latest.getByRole("button", { name: "Execute" }).click();
  await expect(latest.locator(".live-responses-table tbody .response-col_status").first()).toHaveText("200");
  await expect(latest.locator(".live-responses-table .microlight").first()).toContainText('"latest"');

  expect(blocked).toEqual([]);
  expect(problems).toEqual([]);
});

test("the OpenAPI document is served at /sim/openapi.json", async ({ request }) => {
  const response = await request.get("/sim/openapi.json");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("application/json");
  const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
  expect(document.openapi).toMatch(/^3\.1\./);
  expect(Object.keys(document.paths)).toContain("/msgs/{username}");
});
