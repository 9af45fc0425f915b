import { expect, test } from "@playwright/test";
import { formError, PASSWORD, submitSignUpForm, uniqueName } from "./support/users";

test.use({ javaScriptEnabled: false });

test("the core flows work as plain HTML forms", async ({ page, browser }) => {
  const author = uniqueName("nojs_author");
  const reader = uniqueName("nojs_reader");

  for (const username of [author, reader]) {
    await submitSignUpForm(page, username);
    await expect(page.getByText("You were successfully registered and can login now")).toBeVisible();
  }

  await page.getByLabel("Username").fill(reader);
  await page.getByLabel("Password").fill("wrong password");
  await page.getByRole("button", { name: "Sign In" }).click();
  await expect(formError(page)).toHaveText("Error: Invalid password");
  await expect(page.getByLabel("Username")).toHaveValue(reader);

  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign In" }).click();
  await expect(page.getByText("You were logged in")).toBeVisible();

  const text = `<i>no script</i> ${uniqueName("t")}`;
  await page.getByRole("textbox").fill(text);
  await page.getByRole("button", { name: "Share" }).click();
  await expect(page.getByText("Your message was recorded")).toBeVisible();
  await expect(page.locator(".message-text").first()).toHaveText(text);

  await page.goto(`/${author}`);
  await page.getByRole("button", { name: "Follow user" }).click();
  await expect(page.getByText(`You are now following "${author}"`)).toBeVisible();
  await page.getByRole("button", { name: "Unfollow user" }).click();
  await expect(page.getByText(`You are no longer following "${author}"`)).toBeVisible();

  // The original's GET links still work for a signed-in browser.
  await page.goto(`/${author}/follow`);
  await expect(page).toHaveURL(new RegExp(`/${author}$`));
  await expect(page.getByText(`You are now following "${author}"`)).toBeVisible();

  await page.getByRole("button", { name: `sign out [${reader}]` }).click();
  await expect(page).toHaveURL(/\/public$/);
  await expect(page.getByText("You were logged out")).toBeVisible();
  void browser;
});
