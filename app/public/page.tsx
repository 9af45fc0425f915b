export const dynamic = "force-dynamic";
export default function PublicTimeline() {
  return <h2>Public Timeline</h2>;
}
