export { unfollow as GET, unfollow as POST } from "@/lib/web/forms/follow";
