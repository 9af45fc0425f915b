"use client";

import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import "graphiql/style.css";

// Same origin: the browser's session cookie goes along, so a signed-in user explores as themselves;
// a JSON Content-Type satisfies the endpoint's CSRF prevention.
// `fetch` is passed in: the toolkit looks for `window.fetch` and throws when the page renders on the server.
const fetcher = createGraphiQLFetcher({ url: "/api/graphql", fetch: (input, init) => fetch(input, init) });

const DEFAULT_QUERY = `# The public timeline, newest first. Ctrl-Enter runs it; the Docs button lists the schema.
query PublicTimeline {
  publicTimeline(first: 5) {
    edges {
      node {
        text
        pubDate
        author {
          username
        }
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
`;

/** GraphiQL against this server's `/api/graphql`, bundled with the app (no CDN). */
export function GraphiQLExplorer() {
  return (
    <div className="graphiql-explorer">
      <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} />
    </div>
  );
}
