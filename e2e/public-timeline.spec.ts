import { expect, test } from "@playwright/test";

test("the public timeline renders", async ({ page }) => {
  const response = await page.goto("/public");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "Public Timeline" })).toBeVisible();
});
