/** A message as the reference shows it: `pub_date` in whole seconds since the epoch (UTC). */
export interface SimMessage {
  content: string;
  pub_date: number;
  user: string;
}

export function toSimMessages(
  edges: ReadonlyArray<{ node: { text: string; pubDate: string; author: { username: string } } }>,
  limit: number,
): SimMessage[] {
  const out: SimMessage[] = [];
  const count = Math.min(limit, edges.length);
  for (let i = 0; i < count; i++) {
    const { node } = edges[i] as (typeof edges)[number];
    out.push({
      content: node.text,
      pub_date: Math.floor(Date.parse(node.pubDate) / 1000),
      user: node.author.username,
    });
  }
  return out;
}
