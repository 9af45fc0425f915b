import { db } from "../db/prisma";
import { logger } from "../observability/logger";
import { hashPassword } from "./password";

/**
 * Replaces a stored hash that is not argon2id (a Werkzeug hash imported from the original MiniTwit)
 * once a sign-in has proved the password. Conditional on the old hash, so a concurrent sign-in's
 * upgrade or a changed password is never overwritten. A failure keeps the old hash, which still
 * verifies: the sign-in goes on and the next one tries again.
 */
export async function upgradePasswordHash(userId: number, oldHash: string, password: string): Promise<void> {
  try {
    const pwHash = await hashPassword(password);
    await db().user.updateMany({ where: { id: userId, pwHash: oldHash }, data: { pwHash } });
  } catch (error) {
    logger().warn({ err: error, userId }, "could not replace a legacy password hash with argon2id");
  }
}
