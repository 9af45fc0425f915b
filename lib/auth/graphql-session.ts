import { setSessionViewerResolver } from "@/graphql/http";
import { currentUser } from "./auth";

// /api/graphql accepts the web session as well as API tokens: a signed-in browser calling the API
// acts as its user. graphql/ stays free of next-auth; the wiring lives here, beside the session.
setSessionViewerResolver(() => currentUser());

export { GET, POST } from "@/graphql/http";
