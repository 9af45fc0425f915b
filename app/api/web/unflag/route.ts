export { unflag as POST } from "@/lib/web/forms/flag";
