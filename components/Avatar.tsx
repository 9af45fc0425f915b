import { AVATAR_SIZE } from "@/lib/avatar/size";

/**
 * A plain `<img>`: avatars are the app's own tiny SVG identicons (or Gravatar's 48px images), so
 * `next/image` would optimise nothing, and it adds an inline `style` attribute the CSP forbids.
 * Width and height are fixed so the timeline never shifts while avatars load.
 */
export function Avatar({ src }: { src: string }) {
  return (
    <img
      className="avatar"
      src={src}
      alt=""
      width={AVATAR_SIZE}
      height={AVATAR_SIZE}
      decoding="async"
      loading="lazy"
    />
  );
}
