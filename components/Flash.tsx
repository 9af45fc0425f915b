import type { Flash as FlashValue } from "@/lib/web/flash";

/** The original's flashes: shown once, on the page after the action. */
export function Flash({ flash }: { flash: FlashValue }) {
  return (
    <div role="status" className="flash-region">
      {flash.message && (
        <ul className="flashes">
          <li>{flash.message}</li>
        </ul>
      )}
    </div>
  );
}
