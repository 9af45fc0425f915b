import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Flash } from "./Flash";

function render(message: string): string {
  return renderToStaticMarkup(createElement(Flash, { flash: { message }, viewer: null, currentPath: "/" }));
}

describe("Flash", () => {
  it("writes the original's bytes for quotes", () => {
    expect(render('You are now following "foo"')).toContain("You are now following &#34;foo&#34;");
  });

  it("keeps a username with markup, quotes and & inert", () => {
    const username = `<script>alert('x')</script><img src=x onerror="alert(1)">&amp;`;
    const html = render(`You are now following "${username}"`);
    expect(html).toContain(
      "You are now following &#34;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" +
        "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;&amp;amp;&#34;",
    );
    // Nothing of the name survives as markup: the only elements are the flash's own.
    expect(html.match(/<[a-z]+/g)).toEqual(["<div", "<ul", "<li", "<span"]);
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
  });
});
