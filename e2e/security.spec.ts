import { expect, test, type Page } from "@playwright/test";
import { messageItems, newSignedInUser, PASSWORD, registerUser, uniqueName } from "./support/users";

const EVIL = "http://evil.example";

/** Serves a page on another site, as an attacker would host it. */
async function attackerPage(page: Page, html: string) {
  await page.route(`${EVIL}/**`, (route) => route.fulfill({ contentType: "text/html", body: html }));
  await page.goto(`${EVIL}/`);
}

test("a form on another site cannot post a message", async ({ page, baseURL }) => {
  const username = await newSignedInUser(page, "victim");
  const text = `forged ${uniqueName("t")}`;
  const refused = page.waitForResponse((r) => r.url() === `${baseURL}/add_message`);
  await attackerPage(
    page,
    `<form method="post" action="${baseURL}/add_message"><input name="text" value="${text}"></form>
     <script>document.forms[0].submit()</script>`,
  );
  expect((await refused).status()).toBe(403);
  await page.goto(`/${username}`);
  await expect(messageItems(page).filter({ hasText: text })).toHaveCount(0);
});

test("a link on another site cannot follow or sign out", async ({ page, baseURL }) => {
  const target = uniqueName("target");
  await registerUser(page.context().request, target);
  const username = await newSignedInUser(page, "clicker");
  await attackerPage(
    page,
    `<a id="follow" href="${baseURL}/${target}/follow">cute cats</a> <a id="logout" href="${baseURL}/logout">more</a>`,
  );
  const follow = page.waitForResponse((r) => r.url().endsWith(`/${target}/follow`));
  await page.click("#follow");
  expect((await follow).status()).toBe(403);

  await attackerPage(page, `<a id="logout" href="${baseURL}/logout">more</a>`);
  const logout = page.waitForResponse((r) => r.url().endsWith("/logout"));
  await page.click("#logout");
  expect((await logout).status()).toBe(403);

  await page.goto(`/${target}`);
  await expect(page.getByText("You are not yet following this user.")).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toContainText(`sign out [${username}]`);
});

test("pages carry a nonce-based CSP and the other security headers", async ({ request }) => {
  const response = await request.get("/public");
  const headers = response.headers();
  const csp = headers["content-security-policy"] ?? "";
  expect(csp).toContain("default-src 'self'");
  expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(csp).not.toContain("unsafe-eval");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["x-frame-options"]).toBe("DENY");
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  const html = await response.text();
  expect(html).toContain(`nonce="${nonce}"`);
});

test("a scripted client uses the original's form posts, and failed sign-ins are throttled", async ({
  playwright,
  baseURL,
}) => {
  const client = await playwright.request.newContext({ baseURL });
  const username = uniqueName("script");
  await registerUser(client, username);

  const posted = await client.post("/login", { form: { username, password: PASSWORD } });
  expect(new URL(posted.url()).pathname).toBe("/");
  expect(await posted.text()).toContain("You were logged in");
  const text = `scripted ${uniqueName("t")}`;
  const message = await client.post("/add_message", { form: { text } });
  expect(await message.text()).toContain("Your message was recorded");
  await client.get("/logout");

  for (let i = 0; i < 5; i++) {
    const failed = await client.post("/login", { form: { username, password: "guess" } });
    expect(await failed.text()).toContain("Invalid password");
  }
  const throttled = await client.post("/login", { form: { username, password: PASSWORD } });
  expect(throttled.status()).toBe(429);
  expect(throttled.headers()["retry-after"]).toMatch(/^\d+$/);
  expect(await throttled.text()).toContain("Too many failed sign-in attempts");
  await client.dispose();
});
