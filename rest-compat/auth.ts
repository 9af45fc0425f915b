import { timingSafeEqual } from "node:crypto";

import { env } from "@/lib/runtime/env";

let expected: Buffer | undefined;

/** `Basic <base64 of user:password>` for the configured simulator, built once per process. */
function expectedHeader(): Buffer {
  expected ??= Buffer.from(
    `Basic ${Buffer.from(`${env().simulatorUser}:${env().simulatorPassword}`, "utf8").toString("base64")}`,
    "latin1",
  );
  return expected;
}

/**
 * Whether the `Authorization` header is exactly the simulator's, as the reference compares it:
 * byte for byte, so `basic` and re-encoded or padded variants are refused. The comparison takes
 * the same time wherever the first difference is, so the password cannot be guessed by timing.
 */
export function isSimulator(header: string | null): boolean {
  const wanted = expectedHeader();
  const given = Buffer.from(header ?? "", "latin1");
  // timingSafeEqual needs equal lengths; compare against itself so a wrong length costs the same.
  const same = given.length === wanted.length;
  return timingSafeEqual(same ? given : wanted, wanted) && same;
}
