/**
 * One value per process under `key`, created on first use. Kept on globalThis because Next.js
 * bundles each route with its own copy of every module (and dev reloads make new ones): a module's
 * own variable would be one value per bundle, where the custom server and every route handler must
 * share one registry, pool, logger or state.
 */
export function singleton<T>(key: string, create: () => T): T {
  const store = globalThis as unknown as Record<symbol, T | undefined>;
  const slot = Symbol.for(`minitwit.${key}`);
  return (store[slot] ??= create());
}

/** Forgets `key`'s value, so the next `singleton(key, …)` creates a new one (tests only). */
export function resetSingleton(key: string): void {
  delete (globalThis as unknown as Record<symbol, unknown>)[Symbol.for(`minitwit.${key}`)];
}
