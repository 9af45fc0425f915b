import { auth, signOut } from "../../../lib/auth/auth";
import { formRoute } from "../form-route";

/** `/logout`: a plain link in the original (GET), a form post here; both end the session. */
const logout = formRoute(async () => {
  // Signing out a visitor who has no session only clears cookies; the flash is the original's either way.
  if (await auth()) await signOut({ redirect: false });
  return { kind: "redirect", to: "/public", flash: "You were logged out" };
});

export const GET = logout;
export const POST = logout;
