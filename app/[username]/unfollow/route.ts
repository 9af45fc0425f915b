export { unfollow as GET, unfollow as POST } from "@/app/_web/forms/follow";
