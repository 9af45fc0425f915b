import { redirect } from "next/navigation";
import { currentUser } from "../../lib/auth/auth";
import { feedbackFor, readFlash } from "./read-flash";

/**
 * The loader of the signed-out forms (`/login`, `/register`): a signed-in visitor goes to their
 * timeline; otherwise the flash and what a plain post of this form was sent back with.
 */
export async function loadAuthFormPage(form: "login" | "register") {
  const [viewer, flash] = await Promise.all([currentUser(), readFlash()]);
  if (viewer) redirect("/");
  return { flash, feedback: feedbackFor(flash, form) };
}
