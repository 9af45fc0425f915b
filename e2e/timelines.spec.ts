import { expect, test } from "@playwright/test";
import {
  messageItems,
  newSignedInUser,
  postMessages,
  registerUser,
  signIn,
  uniqueName,
} from "./support/users";

test("posting shows the message escaped, with its UTC date, without a full reload", async ({ page }) => {
  const username = await newSignedInUser(page, "poster");
  await expect(page.getByRole("heading", { name: `What's on your mind ${username}?` })).toBeVisible();
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));

  const text = `<b>bold?</b> <script>alert(1)</script> ${uniqueName("m")}`;
  await page.getByRole("textbox", { name: `What's on your mind ${username}?` }).fill(text);
  await page.getByRole("button", { name: "Share" }).click();
  await expect(page.getByText("Your message was recorded")).toBeVisible();

  const item = messageItems(page).first();
  await expect(item.locator(".message-text")).toHaveText(text);
  await expect(item.locator("b")).toHaveCount(0);
  await expect(item.getByRole("link", { name: username })).toHaveAttribute("href", `/${username}`);
  const time = item.locator("time");
  await expect(time).toHaveText(/^\d{4}-\d{2}-\d{2} @ \d{2}:\d{2}$/);
  const iso = await time.getAttribute("datetime");
  const expected = new Date(iso ?? "").toISOString();
  expect(await time.textContent()).toBe(`${expected.slice(0, 10)} @ ${expected.slice(11, 16)}`);
  await expect(item.locator("img.avatar")).toHaveAttribute("src", /^\/avatar\/[0-9a-f]{32}$/);
  await expect(page.getByRole("textbox", { name: `What's on your mind ${username}?` })).toHaveValue("");
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
});

test("an empty message records nothing", async ({ page }) => {
  await newSignedInUser(page, "empty");
  await page.getByRole("button", { name: "Share" }).click();
  await expect(page.getByText("There's no message so far.")).toBeVisible();
  await expect(page.getByText("Your message was recorded")).toHaveCount(0);
});

test("follow and unfollow, with the original's texts and flashes", async ({ page }) => {
  const author = uniqueName("author");
  await registerUser(page.context().request, author);
  const reader = await newSignedInUser(page, "reader");
  const authorText = `from the author ${uniqueName("t")}`;

  // The author posts in another browser session.
  const other = await page.context().browser()!.newContext();
  const authorPage = await other.newPage();
  await signIn(authorPage, author);
  await postMessages(authorPage, [authorText]);
  await authorPage.goto(`/${author}`);
  await expect(authorPage.getByText("This is you!")).toBeVisible();
  await other.close();

  await page.goto(`/${author}`);
  await expect(page).toHaveTitle(`${author}'s Timeline | MiniTwit`);
  await expect(page.getByRole("heading", { name: `${author}'s Timeline` })).toBeVisible();
  await expect(page.getByText("You are not yet following this user.")).toBeVisible();
  await page.getByRole("button", { name: "Follow user" }).click();
  await expect(page.getByText(`You are now following "${author}"`)).toBeVisible();
  await expect(page.getByText("You are currently following this user.")).toBeVisible();

  await page.goto("/");
  await expect(messageItems(page).filter({ hasText: authorText })).toHaveCount(1);

  await page.goto(`/${author}`);
  await page.getByRole("button", { name: "Unfollow user" }).click();
  await expect(page.getByText(`You are no longer following "${author}"`)).toBeVisible();
  await expect(page.getByText("You are not yet following this user.")).toBeVisible();
  await page.goto("/");
  await expect(messageItems(page).filter({ hasText: authorText })).toHaveCount(0);
  void reader;
});

test("the three timelines", async ({ page }) => {
  const username = await newSignedInUser(page, "three");
  const text = `everywhere ${uniqueName("t")}`;
  await postMessages(page, [text]);
  for (const [path, title] of [
    ["/", "My Timeline"],
    ["/public", "Public Timeline"],
    [`/${username}`, `${username}'s Timeline`],
  ]) {
    await page.goto(path!);
    await expect(page.getByRole("heading", { level: 2, name: title })).toBeVisible();
    await expect(messageItems(page).filter({ hasText: text })).toHaveCount(1);
  }
  await page.goto(`/${uniqueName("ghost")}`);
  await expect(page.getByRole("heading", { name: "Not Found" })).toBeVisible();
});

test("signed out, my timeline is the public one and an unknown user is a 404", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/public$/);
  const response = await page.goto(`/${uniqueName("ghost")}`);
  expect(response?.status()).toBe(404);
});

test("30 messages a page, older messages by cursor, no duplicates while new ones arrive", async ({
  page,
}) => {
  const username = await newSignedInUser(page, "pager");
  const texts = Array.from({ length: 33 }, (_, i) => `message ${String(i).padStart(2, "0")}`);
  await postMessages(page, texts);

  await page.goto(`/${username}`);
  await expect(messageItems(page)).toHaveCount(30);
  const firstPage = await messageItems(page).locator(".message-text").allTextContents();
  expect(firstPage[0]).toBe("message 32");
  expect(firstPage[29]).toBe("message 03");

  // New messages arrive after the first page was read.
  await postMessages(page, ["newer 1", "newer 2"]);
  await page.getByRole("link", { name: /older messages/ }).click();
  await expect(messageItems(page)).toHaveCount(3);
  const secondPage = await messageItems(page).locator(".message-text").allTextContents();
  expect(secondPage).toEqual(["message 02", "message 01", "message 00"]);
  await expect(page.getByRole("link", { name: /older messages/ })).toHaveCount(0);
});

test("a navigation in flight shows its loading state in the link, then the page", async ({ page }) => {
  const username = await newSignedInUser(page, "loading");
  await postMessages(
    page,
    Array.from({ length: 31 }, (_, i) => `loading ${i}`),
  );
  await page.goto(`/${username}`);
  // Hold the next page's data back, as a slow network would.
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/after=/, async (route) => {
    await held;
    await route.continue();
  });
  const older = page.getByRole("link", { name: /older messages/ });
  await expect(older.locator(".link-pending")).toHaveAttribute("data-pending", "false");
  await older.click();
  await expect(older.locator(".link-pending")).toHaveAttribute("data-pending", "true");
  release();
  await expect(messageItems(page)).toHaveCount(1);
  await expect(messageItems(page).locator(".message-text")).toHaveText(["loading 0"]);
});
