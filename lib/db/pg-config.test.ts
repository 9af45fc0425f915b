import { describe, expect, it } from "vitest";
import { pgConfigFromUrl, withDatabase } from "./pg-config";

describe("pgConfigFromUrl", () => {
  it("splits a URL into discrete fields, decoding escapes", () => {
    expect(pgConfigFromUrl("postgresql://us%40er:p%2Fss@db.example:6543/mini%20twit")).toEqual({
      host: "db.example",
      port: 6543,
      user: "us@er",
      password: "p/ss",
      database: "mini twit",
      connectionTimeoutMillis: 3000,
      keepAlive: true,
    });
  });

  it("bounds the time a connection may take, as libpq's connect_timeout", () => {
    expect(pgConfigFromUrl("postgresql://u@h/d?connect_timeout=10").connectionTimeoutMillis).toBe(10_000);
    expect(pgConfigFromUrl("postgresql://u@h/d?connect_timeout=1").connectionTimeoutMillis).toBe(2000);
    expect(pgConfigFromUrl("postgresql://u@h/d?connect_timeout=0").connectionTimeoutMillis).toBe(0);
    expect(() => pgConfigFromUrl("postgresql://u@h/d?connect_timeout=soon")).toThrow(/connect_timeout/);
  });

  it("defaults the port and turns sslmode=require into TLS", () => {
    const config = pgConfigFromUrl("postgres://u@h/d?sslmode=require");
    expect(config.port).toBe(5432);
    expect(config.ssl).toEqual({ rejectUnauthorized: false });
  });

  it("refuses other schemes", () => {
    expect(() => pgConfigFromUrl("mysql://u@h/d")).toThrow(/postgres/);
  });
});

describe("withDatabase", () => {
  it("swaps only the database", () => {
    expect(withDatabase("postgresql://u:p@h:1/a?sslmode=disable", "b")).toBe(
      "postgresql://u:p@h:1/b?sslmode=disable",
    );
  });
});
