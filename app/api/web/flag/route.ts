export { flag as POST } from "@/lib/web/forms/flag";
