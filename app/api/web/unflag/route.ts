export { unflag as POST } from "@/app/_web/forms/flag";
