import { connection } from "next/server";

/**
 * The page benchmark's floor (lib/tools/bench/pages.ts): 30 messages from memory, rendered on every
 * request, in the markup of Minitwit's timeline (avatar, author link, time, text), with nothing else
 * of Minitwit's: no session, no database, no middleware. What Next.js itself costs for such a page.
 */
const START = Date.UTC(2026, 0, 1);
const MESSAGES = Array.from({ length: 30 }, (_, i) => ({
  id: String(1000 - i),
  author: `floor user ${i % 7}`,
  text: `Message ${i}: a line of text about as long as a simulator's tweets tend to be, give or take.`,
  pubDate: new Date(START - i * 60_000),
}));

export default async function FloorPage() {
  await connection();
  return (
    <main>
      <h2>Public Timeline</h2>
      <ol className="messages">
        {MESSAGES.map((message) => (
          <li className="message" key={message.id} data-message-id={message.id}>
            <img className="avatar" src={`/avatar/${message.id}.svg`} alt="" width={48} height={48} />
            <div className="message-body">
              <p className="message-meta">
                <strong>
                  <a href={`/${encodeURIComponent(message.author)}`}>{message.author}</a>
                </strong>{" "}
                <small>
                  &mdash;{" "}
                  <time dateTime={message.pubDate.toISOString()}>
                    {message.pubDate.toISOString().slice(0, 16).replace("T", " @ ")}
                  </time>
                </small>
              </p>
              <p className="message-text">{message.text}</p>
            </div>
          </li>
        ))}
      </ol>
    </main>
  );
}
