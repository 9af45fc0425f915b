import { expect, type APIRequestContext, type Page } from "@playwright/test";

export const PASSWORD = "correct horse";

/** Names unique per run, as the e2e database is shared by every test of a run. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** Registers as a scripted client would: a plain form post with the original's field names. */
export async function registerUser(request: APIRequestContext, username: string, password = PASSWORD) {
  const response = await request.post("/register", {
    form: { username, email: `${username}@example.com`, password, password2: password },
  });
  expect(response.status()).toBe(200);
  expect(new URL(response.url()).pathname).toBe("/login");
}

/** Fills in and submits the sign-up form as a person would (no assertion on the outcome). */
export async function submitSignUpForm(page: Page, username: string, password = PASSWORD) {
  await page.goto("/register");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("E-Mail").fill(`${username}@example.com`);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Password (repeat)").fill(password);
  await page.getByRole("button", { name: "Sign Up" }).click();
}

/** Signs in the page's browser context through the form. */
export async function signIn(page: Page, username: string, password = PASSWORD) {
  await page.goto("/login");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign In" }).click();
  await expect(page.getByText("You were logged in")).toBeVisible();
}

/** Registers and signs in, returning the name. */
export async function newSignedInUser(page: Page, prefix: string): Promise<string> {
  const username = uniqueName(prefix);
  await registerUser(page.context().request, username);
  await signIn(page, username);
  return username;
}

/** Posts as the page's signed-in user without the UI (fast set-up). */
export async function postMessages(page: Page, texts: string[]) {
  for (const text of texts) {
    const response = await page.context().request.post("/add_message", { form: { text } });
    expect(response.status()).toBe(200);
  }
}

export function messageItems(page: Page) {
  return page.locator("ol.messages > li.message");
}

/** The form's error box (Next.js has an empty alert of its own, the route announcer). */
export function formError(page: Page) {
  return page.getByRole("alert").filter({ hasText: "Error:" });
}
