"""Writes an original MiniTwit database for the importer's tests.

Reads a JSON description on stdin and writes a SQLite file with the original's schema (minitwit.py's
schema.sql, word for word), hashing each user's password with Werkzeug's own
generate_password_hash (Debian's python3-werkzeug), so the tests verify real Werkzeug hashes.

    python3 make_minitwit_db.py OUT.db < spec.json      a database
    python3 make_minitwit_db.py --hash < list.json      [[password, method], ...] -> hashes, as JSON
    python3 make_minitwit_db.py --timelines DB USER_ID  the original's timelines, as JSON message ids
    python3 make_minitwit_db.py --sql OUT < script.sql  any SQLite file

spec.json: {"users": [{"user_id", "username", "email", "password", "method"} | {..., "pw_hash"}],
            "follows": [[who_id, whom_id], ...],
            "messages": [{"message_id", "author_id", "text", "pub_date", "flagged"}, ...],
            "journal": "wal" (WAL mode, closed cleanly) | "wal-open" (the messages left in the -wal file,
                       as by an app that is still running)}
"""

import json
import os
import sqlite3
import sys

from werkzeug.security import generate_password_hash

SCHEMA = """
drop table if exists user;
create table user (
  user_id integer primary key autoincrement,
  username string not null,
  email string not null,
  pw_hash string not null
);

drop table if exists follower;
create table follower (
  who_id integer,
  whom_id integer
);

drop table if exists message;
create table message (
  message_id integer primary key autoincrement,
  author_id integer not null,
  text string not null,
  pub_date integer,
  flagged integer
);
"""


# The original's three timeline queries (ITU MiniTwit's minitwit.py), with a limit that shows all.
TIMELINES = {
    "public": """select message.*, user.* from message, user
        where message.flagged = 0 and message.author_id = user.user_id
        order by message.pub_date desc limit ?""",
    "home": """select message.*, user.* from message, user
        where message.flagged = 0 and message.author_id = user.user_id and (
            user.user_id = ? or
            user.user_id in (select whom_id from follower
                                    where who_id = ?))
        order by message.pub_date desc limit ?""",
    "user": """select message.*, user.* from message, user where
        user.user_id = message.author_id and user.user_id = ?
        order by message.pub_date desc limit ?""",
}


def timelines(path: str, user_id: int) -> dict:
    db = sqlite3.connect(path)
    limit = 1_000_000
    args = {"public": [limit], "home": [user_id, user_id, limit], "user": [user_id, limit]}
    return {name: [row[0] for row in db.execute(sql, args[name])] for name, sql in TIMELINES.items()}


def main() -> None:
    if sys.argv[1] == "--sql":
        db = sqlite3.connect(sys.argv[2])
        db.executescript(sys.stdin.read())
        db.commit()
        db.close()
        return
    if sys.argv[1] == "--timelines":
        json.dump(timelines(sys.argv[2], int(sys.argv[3])), sys.stdout)
        return
    if sys.argv[1] == "--hash":
        pairs = json.load(sys.stdin)
        json.dump([generate_password_hash(password, method=method) for password, method in pairs], sys.stdout)
        return
    out = sys.argv[1]
    spec = json.load(sys.stdin)
    db = sqlite3.connect(out)
    db.executescript(SCHEMA)
    for user in spec.get("users", []):
        pw_hash = user.get("pw_hash")
        if pw_hash is None:
            pw_hash = generate_password_hash(user["password"], method=user.get("method", "scrypt"))
        db.execute(
            "insert into user (user_id, username, email, pw_hash) values (?, ?, ?, ?)",
            (user["user_id"], user["username"], user["email"], pw_hash),
        )
    for who, whom in spec.get("follows", []):
        db.execute("insert into follower (who_id, whom_id) values (?, ?)", (who, whom))
    journal = spec.get("journal")
    if journal in ("wal", "wal-open"):
        db.commit()
        db.execute("pragma journal_mode=wal")
    for message in spec.get("messages", []):
        db.execute(
            "insert into message (message_id, author_id, text, pub_date, flagged) values (?, ?, ?, ?, ?)",
            (
                message["message_id"],
                message["author_id"],
                message["text"],
                message.get("pub_date"),
                message.get("flagged", 0),
            ),
        )
    db.commit()
    if journal == "wal-open":
        # Exit without closing: SQLite checkpoints the -wal file into the database only on close.
        sys.stdout.flush()
        os._exit(0)
    db.close()


if __name__ == "__main__":
    main()
