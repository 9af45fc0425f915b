import { errorResponse } from "../responses";

/** Any path under /sim that is not one of the protocol's routes, whatever the method. */
async function notFound(): Promise<Response> {
  return errorResponse(404, "Not found");
}

export {
  notFound as GET,
  notFound as HEAD,
  notFound as POST,
  notFound as PUT,
  notFound as PATCH,
  notFound as DELETE,
  notFound as OPTIONS,
};
