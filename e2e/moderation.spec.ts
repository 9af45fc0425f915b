import { expect, test } from "@playwright/test";
import { flagTool, makeAdmin, messageIdByText } from "./support/database";
import {
  messageItems,
  newSignedInUser,
  postMessages,
  registerUser,
  signIn,
  uniqueName,
} from "./support/users";

test("an admin flags a message away from every timeline, and can undo it", async ({ page, browser }) => {
  const author = await newSignedInUser(page, "flagged_author");
  const text = `rude words ${uniqueName("t")}`;
  await postMessages(page, [text]);
  await page.goto(`/${author}`);
  // Ordinary users have no flag buttons.
  await expect(page.getByRole("button", { name: /^flag/ })).toHaveCount(0);

  const admin = uniqueName("admin");
  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  await registerUser(adminContext.request, admin);
  await makeAdmin(admin);
  await signIn(adminPage, admin);
  await adminPage.goto("/public");
  const item = messageItems(adminPage).filter({ hasText: text });
  await item.getByRole("button", { name: `flag message by ${author}` }).click();
  await expect(
    adminPage.getByText("The message was flagged and is hidden from every timeline"),
  ).toBeVisible();
  await expect(messageItems(adminPage).filter({ hasText: text })).toHaveCount(0);

  for (const path of ["/", "/public", `/${author}`]) {
    await page.goto(path);
    await expect(messageItems(page).filter({ hasText: text })).toHaveCount(0);
  }

  await adminPage.getByRole("button", { name: "unflag the message again" }).click();
  await expect(adminPage.getByText("The message was unflagged and shows again")).toBeVisible();
  await expect(messageItems(adminPage).filter({ hasText: text })).toHaveCount(1);
  await adminContext.close();
});

const SIMULATOR = { Authorization: "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh" };

test("operators flag and unflag by id with `npm run flag`", async ({ page, request }) => {
  const simulatorTexts = async (path: string) => {
    const response = await request.get(path, { headers: SIMULATOR });
    expect(response.status()).toBe(200);
    return ((await response.json()) as { content: string }[]).map((m) => m.content);
  };
  const author = await newSignedInUser(page, "cli_author");
  const text = `spam ${uniqueName("t")}`;
  await postMessages(page, [text]);
  const id = await messageIdByText(text);

  expect(await simulatorTexts(`/sim/msgs/${author}`)).toContain(text);

  const flagged = await flagTool([String(id)]);
  expect(flagged.stdout).toContain(`message ${id} flagged`);
  expect(await simulatorTexts(`/sim/msgs/${author}`)).not.toContain(text);
  expect(await simulatorTexts("/sim/msgs?no=1000")).not.toContain(text);
  for (const path of ["/", "/public", `/${author}`]) {
    await page.goto(path);
    await expect(messageItems(page).filter({ hasText: text })).toHaveCount(0);
  }

  await flagTool(["--unflag", String(id)]);
  await page.goto(`/${author}`);
  await expect(messageItems(page).filter({ hasText: text })).toHaveCount(1);
});
