import type { ReactNode } from "react";
import { formatPubDate } from "./format-date";
import { Avatar } from "./Avatar";

export interface MessageView {
  id: string;
  text: string;
  /** ISO 8601. */
  pubDate: string;
  author: { username: string; avatarUrl: string };
}

export function userPath(username: string): string {
  return `/${encodeURIComponent(username)}`;
}

/** One message: avatar, author, text (React escapes it: `<b>` shows as text), UTC date. */
export function MessageItem({ message, actions }: { message: MessageView; actions?: ReactNode }) {
  const date = new Date(message.pubDate);
  return (
    <li className="message" data-message-id={message.id}>
      <Avatar src={message.author.avatarUrl} />
      <div className="message-body">
        <p className="message-meta">
          <strong>
            {/* A plain link: thirty client-side Link components per page cost more to hydrate than they save. */}
            <a href={userPath(message.author.username)}>{message.author.username}</a>
          </strong>{" "}
          <small>
            &mdash; <time dateTime={date.toISOString()}>{formatPubDate(date)}</time>
          </small>
        </p>
        <p className="message-text">{message.text}</p>
        {actions}
      </div>
    </li>
  );
}
