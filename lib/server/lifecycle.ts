import { singleton } from "../runtime/singleton";

/**
 * Where this process is in its life, shared between the custom server (which drives it) and the
 * route handlers (which report it). Kept on globalThis because Next.js bundles its own module copies.
 */
export type Phase = "starting" | "ready" | "draining" | "stopped";

const state = singleton<{ phase: Phase }>("phase", () => ({ phase: "ready" }));

export function phase(): Phase {
  return state.phase;
}

export function setPhase(next: Phase): void {
  state.phase = next;
}
