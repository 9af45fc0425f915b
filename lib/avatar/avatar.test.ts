import { describe, expect, it } from "vitest";
import { avatarUrl } from "./avatar";

describe("avatarUrl", () => {
  it("points at the app's own identicon by default", () => {
    expect(avatarUrl(" Alice@Example.com", 48, false)).toBe("/avatar/c160f8cc69a4f0bf2b0362752353d060");
  });

  it("uses Gravatar's identicon only when configured", () => {
    expect(avatarUrl("alice@example.com", 48, true)).toBe(
      "https://www.gravatar.com/avatar/c160f8cc69a4f0bf2b0362752353d060?d=identicon&s=48",
    );
  });

  it("hashes the trimmed, lower-cased address like the original", () => {
    // md5("myemailaddress@example.com"), Gravatar's documented example.
    expect(avatarUrl("  MyEmailAddress@example.com ", 48, true)).toBe(
      "https://www.gravatar.com/avatar/0bc83cb571cd1c50ba6f3e8a78ef1346?d=identicon&s=48",
    );
  });
});
