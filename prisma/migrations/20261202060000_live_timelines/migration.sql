-- CreateTable
CREATE TABLE "live_streams" (
    "id" UUID NOT NULL,
    "user_key" TEXT,
    "address" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "live_streams_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "live_streams_user_key_expires_at_idx" ON "live_streams"("user_key", "expires_at");

-- CreateIndex
CREATE INDEX "live_streams_address_expires_at_idx" ON "live_streams"("address", "expires_at");


-- Live timelines (lib/live): a committed message is announced to every app instance that LISTENs.
-- NOTIFY is transactional: a write that rolls back announces nothing, and listeners receive the
-- notifications in commit order. The payload stays tiny (far below NOTIFY's 8000 bytes): the listener
-- reads the message itself. Rows inserted with an old date (an import of an original MiniTwit
-- database) are history, not news, and are not announced.
CREATE FUNCTION "minitwit_announce_message"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(
    'minitwit_messages',
    concat_ws(':', TG_ARGV[0], NEW.id, NEW.author_id, floor(extract(epoch FROM NEW.pub_date) * 1000)::bigint)
  );
  RETURN NULL;
END
$$;

CREATE TRIGGER "messages_announce_posted" AFTER INSERT ON "messages"
  FOR EACH ROW WHEN (NOT NEW.flagged AND NEW.pub_date > now() - interval '1 minute')
  EXECUTE FUNCTION "minitwit_announce_message"('posted');

-- A message flagged after it was delivered is withdrawn from the pages that show it.
CREATE TRIGGER "messages_announce_withdrawn" AFTER UPDATE OF "flagged" ON "messages"
  FOR EACH ROW WHEN (NEW.flagged AND NOT OLD.flagged)
  EXECUTE FUNCTION "minitwit_announce_message"('withdrawn');
