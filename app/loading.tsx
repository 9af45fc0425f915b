/** A timeline-shaped placeholder the size of the real thing, so nothing jumps when it arrives. */
export default function Loading() {
  return (
    <div className="page" aria-busy="true">
      <div className="site-header">
        <p className="brand">MiniTwit</p>
      </div>
      <main id="main" className="body">
        <p className="visually-hidden" role="status">
          Loading…
        </p>
        <ol className="messages skeleton" aria-hidden="true">
          {Array.from({ length: 6 }, (_, i) => (
            <li className="message" key={i}>
              <span className="avatar" />
              <div className="message-body">
                <div className="message-meta" />
                <div className="message-text" />
              </div>
            </li>
          ))}
        </ol>
      </main>
    </div>
  );
}
