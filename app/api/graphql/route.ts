import { graphqlRoute } from "@/graphql/http";
import { currentUser } from "@/lib/auth/auth";

// /api/graphql accepts the web session as well as API tokens: a signed-in browser calling the API
// acts as its user.
export const { GET, POST } = graphqlRoute(() => currentUser());
