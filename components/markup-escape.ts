/**
 * HTML-escapes text exactly as the original's templates did (Jinja2's autoescape, MarkupSafe's
 * `escape`): `&` `<` `>` `'` `"` become `&amp;` `&lt;` `&gt;` `&#39;` `&#34;`, nothing else changes.
 * React escapes the same characters but writes `&quot;`; scripted clients that compare the original's
 * bytes (`You are now following &#34;foo&#34;`) need these. The result is safe as element content
 * and inside a quoted attribute value.
 */
export function markupEscape(text: string): string {
  return text.replace(/[&<>'"]/g, (c) => ESCAPES[c] as string);
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  "'": "&#39;",
  '"': "&#34;",
};
