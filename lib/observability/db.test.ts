import { describe, expect, it } from "vitest";
import { queryOperation } from "./db";

describe("queryOperation", () => {
  it.each([
    ['SELECT "public"."User"."id" FROM "public"."User" WHERE 1=1', "select"],
    ["  select 1", "select"],
    ["\n\tInsert into x values (1)", "insert"],
    ["UPDATE x SET a = 1", "update"],
    ["DELETE FROM x", "delete"],
    ["BEGIN", "begin"],
    ["START TRANSACTION ISOLATION LEVEL SERIALIZABLE", "begin"],
    ["COMMIT", "commit"],
    ["END", "commit"],
    ["ROLLBACK", "rollback"],
    ["-- why\nSELECT 1", "select"],
    ["/* multi\nline */ /* two */ delete from x", "delete"],
    ["WITH t AS (SELECT 1) SELECT * FROM t", "other"],
    ["SAVEPOINT s1", "other"],
    ["CREATE TABLE x (id int)", "other"],
    ["", "other"],
    ["-- only a comment", "other"],
    ["selectx", "other"],
    [undefined, "other"],
    [42, "other"],
  ])("%j → %s", (sql, expected) => {
    expect(queryOperation(sql)).toBe(expected);
  });
});
