import { describe, expect, it } from "vitest";
import { emptySql, isUniqueViolation, query, sql } from "./sql";

describe("sql", () => {
  it("numbers placeholders across nested fragments", () => {
    const cursor = sql`AND (pub_date, id) < (${new Date(0)}, ${7})`;
    const q = sql`SELECT * FROM messages WHERE author_id = ${3} ${cursor} LIMIT ${31}`.toQuery();
    expect(q.text).toBe("SELECT * FROM messages WHERE author_id = $1 AND (pub_date, id) < ($2, $3) LIMIT $4");
    expect(q.values).toEqual([3, new Date(0), 7, 31]);
  });

  it("renders an empty fragment as nothing", () => {
    expect(sql`SELECT 1 ${emptySql}`.toQuery()).toEqual({ text: "SELECT 1 ", values: [] });
  });

  it("never inlines a value into the text", () => {
    const q = sql`SELECT ${"'; DROP TABLE users; --"}`.toQuery();
    expect(q.text).toBe("SELECT $1");
  });

  it("recognises unique violations from pg and from Prisma", () => {
    expect(isUniqueViolation({ code: "23505" })).toBe(true);
    expect(isUniqueViolation({ code: "P2002" })).toBe(true);
    expect(isUniqueViolation({ code: "23503" })).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
  });
});

describe("query", () => {
  it.each([["a\u0000b"], [["ok", "b\u0000"]]])(
    "refuses a NUL in a bound value as bad input before reaching the database (%j)",
    async (value) => {
      await expect(query(sql`SELECT ${value}`)).rejects.toMatchObject({
        code: "BAD_USER_INPUT",
        message: "Text must not contain NUL characters",
      });
    },
  );
});
