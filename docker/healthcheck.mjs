// Container health probe: slim images have no curl. Exits 0 only when /readyz answers 2xx in time.
const port = process.env.PORT || "3000";
const url = `http://127.0.0.1:${port}/readyz`;

try {
  const response = await fetch(url, { signal: AbortSignal.timeout(2500) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
