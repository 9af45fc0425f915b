import client from "prom-client";

/**
 * The one prom-client registry of this process. Kept on globalThis so that Next.js module reloads
 * (and the several bundles a production build has) share the same series.
 */
type Metrics = ReturnType<typeof createMetrics>;

function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });

  const counter = (name: string, help: string) => new client.Counter({ name, help, registers: [registry] });
  const business = {
    registration: counter("minitwit_registrations_total", "Users registered (web, GraphQL or simulator)."),
    message: counter("minitwit_messages_total", "Messages posted (web, GraphQL or simulator)."),
    follow: counter("minitwit_follows_total", "Follow actions that succeeded."),
    unfollow: counter("minitwit_unfollows_total", "Unfollow actions that succeeded."),
  };
  return { registry, business };
}

const store = globalThis as unknown as { minitwitMetrics?: Metrics };

export function metrics(): Metrics {
  store.minitwitMetrics ??= createMetrics();
  return store.minitwitMetrics;
}

export type BusinessEvent = keyof Metrics["business"];

/** Counts one successful business action, whatever the entry point. */
export function countBusinessEvent(event: BusinessEvent): void {
  metrics().business[event].inc();
}
