import { randomBytes } from "node:crypto";
import { db } from "../../db/prisma";
import { hashPassword } from "../../domain/password";
import { registerUser } from "../../domain/users";
import { DomainError } from "../../domain/errors";
import { generateScenario } from "../simulator/generate";

export const DEMO_USERNAME = "demo";
export const DEMO_EMAIL = "demo@minitwit.example";

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
// Far below PostgreSQL's 65,535 bind parameters per statement, whatever the columns.
const CHUNK = 2_000;

export type SeedOptions = {
  /** Seeded users besides the demo account. */
  users: number;
  /** Scenario actions to derive them from (registrations, tweets, follows, unfollows). */
  actions: number;
  /** How far back the messages reach, ending now. */
  weeks: number;
  /** The scenario's seed: the same options give the same users, follows and messages. */
  seed: number;
  /** Seed a database that already has users or messages (adds to them). */
  force?: boolean;
  now?: Date;
};

export type SeedResult = {
  users: number;
  follows: number;
  messages: number;
  firstMessage: Date | null;
  lastMessage: Date | null;
  demo: { username: string; password: string; created: boolean; following: number };
};

export class DatabaseNotEmptyError extends Error {
  constructor(
    readonly users: number,
    readonly messages: number,
  ) {
    super(`the database is not empty (${users} users, ${messages} messages)`);
    this.name = "DatabaseNotEmptyError";
  }
}

/**
 * Demo data for a fresh installation: users, follows and messages from the scenario generator
 * (the same mix the simulator produces), spread over the last `weeks`, plus a demo account that
 * follows the most active users and whose password is returned to print.
 *
 * Seeded users get one shared hash of a random password nobody learns: they exist to be read, and
 * hashing hundreds of passwords with argon2 would cost seconds for sign-ins nobody can make. The demo
 * account registers through the domain like any web user, so the web's rules apply to it.
 */
export async function seedDemoData(options: SeedOptions): Promise<SeedResult> {
  const prisma = db();
  const [existingUsers, existingMessages] = await Promise.all([prisma.user.count(), prisma.message.count()]);
  if ((existingUsers > 0 || existingMessages > 0) && !options.force) {
    throw new DatabaseNotEmptyError(existingUsers, existingMessages);
  }

  const nowMs = (options.now ?? new Date()).getTime();
  const spanMs = options.weeks * WEEK_MS;
  const startMs = nowMs - spanMs;
  const at = (timestampMs: number) => new Date(Math.min(timestampMs, nowMs));

  const registrations: { username: string; email: string; createdAt: Date }[] = [];
  const tweets: { username: string; text: string; pubDate: Date }[] = [];
  // Replayed in order, so an unfollow undoes an earlier follow, as it did in the scenario.
  const follows = new Map<string, Map<string, Date>>();
  for (const action of generateScenario({
    actions: options.actions,
    users: options.users,
    seed: options.seed,
    startMs,
    meanDelayMs: spanMs / Math.max(1, options.actions),
  })) {
    switch (action.command) {
      case "register":
        registrations.push({
          username: action.username,
          email: action.email,
          createdAt: at(action.timestampMs),
        });
        break;
      case "tweet":
        tweets.push({ username: action.username, text: action.content, pubDate: at(action.timestampMs) });
        break;
      case "follow": {
        const followed = follows.get(action.username) ?? new Map<string, Date>();
        followed.set(action.target, at(action.timestampMs));
        follows.set(action.username, followed);
        break;
      }
      case "unfollow":
        follows.get(action.username)?.delete(action.target);
        break;
    }
  }

  const pwHash = await hashPassword(randomBytes(32).toString("base64url"));
  // Names that already exist (only with --force) are left alone, and so are their messages: only the
  // users created here get the scenario's follows and messages.
  const created = new Map<string, number>();
  for (let i = 0; i < registrations.length; i += CHUNK) {
    const rows = await prisma.user.createManyAndReturn({
      data: registrations.slice(i, i + CHUNK).map((user) => ({ ...user, pwHash })),
      skipDuplicates: true,
      select: { id: true, username: true },
    });
    for (const row of rows) created.set(row.username, row.id);
  }

  const followRows: { followerId: number; followeeId: number; createdAt: Date }[] = [];
  for (const [follower, followed] of follows) {
    const followerId = created.get(follower);
    if (followerId === undefined) continue;
    for (const [followee, createdAt] of followed) {
      const followeeId = created.get(followee);
      if (followeeId !== undefined) followRows.push({ followerId, followeeId, createdAt });
    }
  }
  let followCount = 0;
  for (let i = 0; i < followRows.length; i += CHUNK) {
    followCount += (
      await prisma.follow.createMany({ data: followRows.slice(i, i + CHUNK), skipDuplicates: true })
    ).count;
  }

  const messageRows = tweets.flatMap(({ username, text, pubDate }) => {
    const authorId = created.get(username);
    return authorId === undefined ? [] : [{ authorId, text, pubDate }];
  });
  let messageCount = 0;
  for (let i = 0; i < messageRows.length; i += CHUNK) {
    messageCount += (await prisma.message.createMany({ data: messageRows.slice(i, i + CHUNK) })).count;
  }

  const demo = await demoAccount(nowMs);
  // The demo account's home timeline: the most active seeded users.
  const authorsByActivity = new Map<number, number>();
  for (const row of messageRows)
    authorsByActivity.set(row.authorId, (authorsByActivity.get(row.authorId) ?? 0) + 1);
  const favourites = [...authorsByActivity.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, 20)
    .map(([id]) => id);
  const demoFollows = await prisma.follow.createMany({
    data: favourites.map((followeeId) => ({ followerId: demo.id, followeeId, createdAt: new Date(startMs) })),
    skipDuplicates: true,
  });

  const range = await prisma.message.aggregate({ _min: { pubDate: true }, _max: { pubDate: true } });
  return {
    users: created.size,
    follows: followCount,
    messages: messageCount,
    firstMessage: range._min.pubDate,
    lastMessage: range._max.pubDate,
    demo: {
      username: DEMO_USERNAME,
      password: demo.password,
      created: demo.created,
      following: demoFollows.count,
    },
  };
}

/**
 * Registers the demo account with a new random password, or (only reached with --force, on a
 * database that has one) gives the existing account a new one, so the printed sign-in always works.
 */
async function demoAccount(nowMs: number): Promise<{ id: number; password: string; created: boolean }> {
  const password = `demo-${randomBytes(9).toString("base64url")}`;
  try {
    const user = await registerUser({ username: DEMO_USERNAME, email: DEMO_EMAIL, password }, "web");
    await db().message.create({
      data: {
        authorId: user.id,
        text: "Hello! This is the demo account: its timeline shows the people it follows.",
        pubDate: new Date(nowMs - 60_000),
      },
    });
    return { id: user.id, password, created: true };
  } catch (error) {
    if (!(error instanceof DomainError && error.code === "USERNAME_TAKEN")) throw error;
    const user = await db().user.update({
      where: { username: DEMO_USERNAME },
      data: { pwHash: await hashPassword(password) },
      select: { id: true },
    });
    return { id: user.id, password, created: false };
  }
}
