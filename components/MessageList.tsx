import type { ReactNode } from "react";
import { MessageItem, type MessageView } from "./MessageItem";

export function MessageList({
  messages,
  actionsFor,
}: {
  messages: readonly MessageView[];
  /** Extra controls per message (the admins' flag button). */
  actionsFor?: (message: MessageView) => ReactNode;
}) {
  if (messages.length === 0) return <p className="empty">There&apos;s no message so far.</p>;
  return (
    <ol className="messages">
      {messages.map((message) => (
        <MessageItem key={message.id} message={message} actions={actionsFor?.(message)} />
      ))}
    </ol>
  );
}
