-- Usernames are unique regardless of case and Unicode form (`Carol` beside `carol`): the database
-- enforces it, so it holds for every replica and every writer (sign-up, the simulator, the importer).
-- Prisma's schema cannot express an index on an expression; the app's key is lib/domain/username.ts.
CREATE UNIQUE INDEX "users_username_ci_key" ON "users" (lower(normalize("username", NFC)));
