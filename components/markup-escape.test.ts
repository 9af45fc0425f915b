import { describe, expect, it } from "vitest";
import { markupEscape } from "./markup-escape";

describe("markupEscape", () => {
  it("writes MarkupSafe's entities", () => {
    expect(markupEscape(`You are now following "foo"`)).toBe("You are now following &#34;foo&#34;");
    expect(markupEscape("it's <b>bold</b> & more")).toBe("it&#39;s &lt;b&gt;bold&lt;/b&gt; &amp; more");
  });

  it("escapes an existing entity again rather than trusting it", () => {
    expect(markupEscape("&lt;script&gt;")).toBe("&amp;lt;script&amp;gt;");
  });

  it("leaves everything else as it is", () => {
    expect(markupEscape("Zoë 😀 / ? # % \\ `")).toBe("Zoë 😀 / ? # % \\ `");
  });

  it("leaves no markup-active character in the output", () => {
    const nasty = `<script>alert('x')</script>"><img src=x onerror=alert(1)>&`;
    expect(markupEscape(nasty)).not.toMatch(/[<>"']|&(?!amp;|lt;|gt;|#39;|#34;)/);
  });
});
