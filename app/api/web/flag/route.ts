export { flag as POST } from "@/app/_web/forms/flag";
