import type { IncomingMessage, ServerResponse } from "node:http";

// Placeholder until the observability branch lands.
export function observeRequest(_req: IncomingMessage, _res: ServerResponse): void {}
