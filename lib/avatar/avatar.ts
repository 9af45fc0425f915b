import { env } from "../runtime/env";
import { emailHash } from "./identicon";
import { AVATAR_SIZE } from "./size";

export const GRAVATAR_ORIGIN = "https://www.gravatar.com";

/**
 * Where a user's avatar lives: the app's own identicon route by default, so a page makes no
 * third-party request; Gravatar (with its identicon fallback, as the original) only when configured.
 */
export function avatarUrl(email: string, size: number = AVATAR_SIZE, useGravatar = env().gravatar): string {
  const hash = emailHash(email);
  if (useGravatar) return `${GRAVATAR_ORIGIN}/avatar/${hash}?d=identicon&s=${size}`;
  return `/avatar/${hash}`;
}
