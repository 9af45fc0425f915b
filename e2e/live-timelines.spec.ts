import { expect, test, type Browser, type Page } from "@playwright/test";
import { messageItems, newSignedInUser, postMessages, uniqueName } from "./support/users";

/** Opens `path` and resolves once its live stream is open (so what is posted next is announced). */
async function openLive(page: Page, path: string): Promise<void> {
  const stream = page.waitForResponse(
    (response) => new URL(response.url()).pathname === "/api/graphql/stream" && response.status() === 200,
  );
  await page.goto(path);
  await stream;
}

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  return context.newPage();
}

function banner(page: Page) {
  return page.getByRole("button", { name: /new messages?$/ });
}

test("a message posted in one browser is announced on another's public timeline, shown when asked", async ({
  page,
  browser,
}) => {
  await openLive(page, "/public");
  const before = await messageItems(page).count();
  await expect(page.locator(".live-banner")).toHaveAttribute("aria-live", "polite");

  const poster = await newPage(browser);
  await newSignedInUser(poster, "live_poster");
  const text = `live on public ${uniqueName("t")}`;
  await postMessages(poster, [text]);

  await expect(banner(page)).toHaveText("1 new message");
  // Announced, not inserted: the page has not moved.
  await expect(messageItems(page).filter({ hasText: text })).toHaveCount(0);
  expect(await messageItems(page).count()).toBe(before);

  await banner(page).click();
  await expect(messageItems(page).first()).toContainText(text);
  await expect(banner(page)).toHaveCount(0);
  await poster.context().close();
});

test("a follower's home timeline announces a followed user's message; an unrelated user's does not", async ({
  page,
  browser,
}) => {
  const authorPage = await newPage(browser);
  const author = await newSignedInUser(authorPage, "live_author");

  await newSignedInUser(page, "live_follower");
  await page.goto(`/${author}/follow`);
  await expect(page.getByText(`You are now following "${author}"`)).toBeVisible();
  await openLive(page, "/");

  const unrelated = await newPage(browser);
  await newSignedInUser(unrelated, "live_unrelated");
  await openLive(unrelated, "/");

  const text = `for followers ${uniqueName("t")}`;
  await postMessages(authorPage, [text]);
  await expect(banner(page)).toHaveText("1 new message");
  await banner(page).click();
  await expect(messageItems(page).first()).toContainText(text);

  // The unrelated user's own message comes after the author's: had the author's been sent to this
  // stream, it would have been announced first.
  const own = `my own ${uniqueName("t")}`;
  await postMessages(unrelated, [own]);
  await expect(banner(unrelated)).toHaveText("1 new message");
  await banner(unrelated).click();
  await expect(messageItems(unrelated).first()).toContainText(own);
  await expect(messageItems(unrelated).filter({ hasText: text })).toHaveCount(0);

  await authorPage.context().close();
  await unrelated.context().close();
});

/** Live streams open on the e2e server, from its metrics (readable from loopback). */
async function openStreams(page: Page): Promise<number> {
  const text = await (await page.context().request.get("/metrics")).text();
  return Number(/^minitwit_live_streams_open (\d+)/m.exec(text)?.[1] ?? NaN);
}

test("the banner follows client navigation and closes the stream of the page left", async ({
  page,
  browser,
}) => {
  await newSignedInUser(page, "live_navigator");
  await openLive(page, "/");
  await expect.poll(() => openStreams(page)).toBe(1);

  const stream = page.waitForResponse(
    (response) => new URL(response.url()).pathname === "/api/graphql/stream" && response.status() === 200,
  );
  await page.getByRole("link", { name: "public timeline" }).click();
  await expect(page.getByRole("heading", { name: "Public Timeline" })).toBeVisible();
  await stream;
  // One stream still: the home timeline's closed as the page changed.
  await expect.poll(() => openStreams(page)).toBe(1);

  const poster = await newPage(browser);
  await newSignedInUser(poster, "live_poster2");
  const text = `after navigating ${uniqueName("t")}`;
  await postMessages(poster, [text]);
  await expect(banner(page)).toHaveText("1 new message");
  await poster.context().close();
});
