import { expect, test } from "@playwright/test";
import { formError, PASSWORD, registerUser, signIn, submitSignUpForm, uniqueName } from "./support/users";

test.describe("sign up", () => {
  test("shows every error of the original, in its order, and keeps what was typed", async ({ page }) => {
    const taken = uniqueName("taken");
    await registerUser(page.context().request, taken);
    await page.goto("/register");
    await expect(page).toHaveTitle("Sign Up | MiniTwit");

    const submit = async (fields: {
      username: string;
      email: string;
      password: string;
      password2: string;
    }) => {
      await page.getByLabel("Username").fill(fields.username);
      await page.getByLabel("E-Mail").fill(fields.email);
      await page.getByLabel("Password", { exact: true }).fill(fields.password);
      await page.getByLabel("Password (repeat)").fill(fields.password2);
      await page.getByRole("button", { name: "Sign Up" }).click();
    };
    const error = formError(page);

    await submit({ username: "", email: "a@example.com", password: "x", password2: "x" });
    await expect(error).toHaveText("Error: You have to enter a username");
    await submit({ username: "someone", email: "not-an-email", password: "x", password2: "x" });
    await expect(error).toHaveText("Error: You have to enter a valid email address");
    await submit({ username: "someone", email: "a@example.com", password: "", password2: "" });
    await expect(error).toHaveText("Error: You have to enter a password");
    await submit({ username: "someone", email: "a@example.com", password: PASSWORD, password2: "other" });
    await expect(error).toHaveText("Error: The two passwords do not match");
    await expect(page.getByLabel("Password (repeat)")).toHaveAttribute("aria-invalid", "true");
    await submit({ username: taken, email: "a@example.com", password: PASSWORD, password2: PASSWORD });
    await expect(error).toHaveText("Error: The username is already taken");
    await expect(page.getByLabel("Username")).toHaveAttribute("aria-invalid", "true");
  });

  test("succeeds, then asks to sign in", async ({ page }) => {
    const username = uniqueName("newbie");
    await submitSignUpForm(page, username);
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByText("You were successfully registered and can login now")).toBeVisible();
  });
});

test.describe("sign in and out", () => {
  test("says which of username and password was wrong", async ({ page }) => {
    const username = uniqueName("wrong");
    await registerUser(page.context().request, username);
    await page.goto("/login");
    await expect(page).toHaveTitle("Sign In | MiniTwit");
    await page.getByLabel("Username").fill(uniqueName("nobody"));
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign In" }).click();
    await expect(formError(page)).toHaveText("Error: Invalid username");
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign In" }).click();
    await expect(formError(page)).toHaveText("Error: Invalid password");
  });

  test("navigation follows the session, and signing out ends it", async ({ page, browser }) => {
    await page.goto("/public");
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav).toHaveText("public timeline | sign up | sign in");

    const username = uniqueName("session");
    await registerUser(page.context().request, username);
    await signIn(page, username);
    await expect(page).toHaveURL(/\/$/);
    await expect(page).toHaveTitle("My Timeline | MiniTwit");
    await expect(nav).toHaveText(`my timeline | public timeline | sign out [${username}]`);

    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name.includes("session-token"));
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe("Lax");

    await nav.getByRole("button", { name: `sign out [${username}]` }).click();
    await expect(page).toHaveURL(/\/public$/);
    await expect(page.getByText("You were logged out")).toBeVisible();
    await expect(nav).toHaveText("public timeline | sign up | sign in");

    // A copy of the old session cookie no longer signs anyone in.
    const replay = await browser.newContext();
    await replay.addCookies(cookies);
    const replayPage = await replay.newPage();
    await replayPage.goto("/");
    await expect(replayPage).toHaveURL(/\/public$/);
    await replay.close();
  });

  test("the flash shows once", async ({ page }) => {
    const username = uniqueName("once");
    await registerUser(page.context().request, username);
    await signIn(page, username);
    await page.reload();
    await expect(page.getByText("You were logged in")).toHaveCount(0);
  });
});

test("next-auth's own sign-in endpoint is throttled like the form, and the sign-in page says so", async ({
  page,
  playwright,
  baseURL,
}) => {
  const username = uniqueName("nextauth");
  await registerUser(page.context().request, username);
  for (let i = 0; i < 5; i++) {
    const failed = await page
      .context()
      .request.post("/login", { form: { username, password: `guess ${i}` } });
    expect(await failed.text()).toContain("Invalid password");
  }
  // A client of next-auth's endpoint, with its CSRF token, and the right password: still refused.
  const client = await playwright.request.newContext({ baseURL });
  const { csrfToken } = (await (await client.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const response = await client.post("/api/auth/callback/credentials", {
    form: { username, password: PASSWORD, csrfToken, callbackUrl: "/" },
    maxRedirects: 0,
  });
  const location = response.headers().location ?? "";
  expect(location).toMatch(/\/login\?error=CredentialsSignin&code=throttled$/);
  expect((await client.storageState()).cookies.some((c) => c.name.includes("session-token"))).toBe(false);
  await client.dispose();

  await page.goto(location);
  await expect(formError(page)).toHaveText(
    "Error: Too many failed sign-in attempts. Please wait and try again.",
  );
});
