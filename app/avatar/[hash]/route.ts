import { EMAIL_HASH_PATTERN, identiconSvg } from "@/lib/avatar/identicon";

/** Identicons are pure functions of the URL, so browsers and CDNs may keep them forever. */
export async function GET(_request: Request, { params }: { params: Promise<{ hash: string }> }) {
  const { hash } = await params;
  if (!EMAIL_HASH_PATTERN.test(hash)) return new Response("Not found", { status: 404 });
  return new Response(identiconSvg(hash), {
    headers: {
      "Content-Type": "image/svg+xml",
      "Cache-Control": "public, max-age=31536000, immutable",
      "X-Content-Type-Options": "nosniff",
      // Opened on its own, the SVG must not be able to run anything.
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    },
  });
}
