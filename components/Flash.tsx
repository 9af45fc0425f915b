import type { Viewer } from "@/lib/auth/auth";
import type { Flash as FlashValue } from "@/app/_web/flash";
import { markupEscape } from "./markup-escape";
import { FlagButton } from "./FlagButton";

/** The original's flashes: shown once, on the page after the action. */
export function Flash({
  flash,
  viewer,
  currentPath,
}: {
  flash: FlashValue;
  viewer: Viewer | null;
  currentPath: string;
}) {
  return (
    <div role="status" className="flash-region">
      {flash.message && (
        <ul className="flashes">
          <li>
            {/* The original's bytes (`&#34;` for quotes, as MarkupSafe wrote them), still fully escaped. */}
            <span dangerouslySetInnerHTML={{ __html: markupEscape(flash.message) }} />
            {flash.flagged && viewer?.role === "ADMIN" && (
              <FlagButton messageId={flash.flagged} returnTo={currentPath} unflag label="the message again" />
            )}
          </li>
        </ul>
      )}
    </div>
  );
}
