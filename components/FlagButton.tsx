import { EnhancedForm } from "./forms/EnhancedForm";

/** An admin's control on a message (flag) or on the flash after flagging (unflag, to undo). */
export function FlagButton({
  messageId,
  returnTo,
  unflag = false,
  label,
}: {
  messageId: string;
  returnTo: string;
  unflag?: boolean;
  label: string;
}) {
  return (
    <EnhancedForm action={unflag ? "/api/web/unflag" : "/api/web/flag"} className="message-actions">
      <input type="hidden" name="id" value={messageId} />
      <input type="hidden" name="next" value={returnTo} />
      <button type="submit" className="link-button">
        {unflag ? "unflag" : "flag"}
        <span className="visually-hidden"> {label}</span>
      </button>
    </EnhancedForm>
  );
}
