import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { formError, newSignedInUser, postMessages, registerUser, uniqueName } from "./support/users";

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

for (const scheme of ["light", "dark"] as const) {
  test(`every page passes axe (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    const other = uniqueName("a11y_other");
    await registerUser(page.context().request, other);

    for (const path of ["/public", "/login", "/register", `/${uniqueName("missing")}`]) {
      await page.goto(path);
      expect(await seriousViolations(page), path).toEqual([]);
    }
    await page.goto("/login");
    await page.getByRole("button", { name: "Sign In" }).click();
    await expect(formError(page)).toBeVisible();
    expect(await seriousViolations(page), "/login with an error").toEqual([]);

    const username = await newSignedInUser(page, "a11y");
    await postMessages(page, ["an accessible message"]);
    for (const path of ["/", "/public", `/${username}`, `/${other}`]) {
      await page.goto(path);
      expect(await seriousViolations(page), path).toEqual([]);
    }
  });
}
