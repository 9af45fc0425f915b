/** Avatars' edge in CSS pixels; apart from lib/avatar/avatar.ts so client components can use it. */
export const AVATAR_SIZE = 48;
