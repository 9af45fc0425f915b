import { GraphQLError, GraphQLScalarType, Kind } from "graphql";

function invalid(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT" } });
}

function parseDateTime(value: unknown): Date {
  if (typeof value !== "string") throw invalid("DateTime must be an ISO-8601 string");
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw invalid("DateTime must be an ISO-8601 string");
  return date;
}

export const DateTime = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  serialize(value) {
    if (value instanceof Date) return value.toISOString();
    if (typeof value === "string") return parseDateTime(value).toISOString();
    throw new TypeError("DateTime cannot represent a non-date value");
  },
  parseValue: parseDateTime,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw invalid("DateTime must be an ISO-8601 string");
    return parseDateTime(ast.value);
  },
});

const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

function parseBigInt(value: unknown): bigint {
  let parsed: bigint | undefined;
  if (typeof value === "string" && /^-?\d{1,19}$/.test(value)) parsed = BigInt(value);
  else if (typeof value === "number" && Number.isSafeInteger(value)) parsed = BigInt(value);
  else if (typeof value === "bigint") parsed = value;
  if (parsed === undefined || parsed < INT8_MIN || parsed > INT8_MAX) {
    throw invalid("BigInt must be a 64-bit integer, as a decimal string or a safe integer");
  }
  return parsed;
}

export const BigIntScalar = new GraphQLScalarType<bigint, string>({
  name: "BigInt",
  serialize(value) {
    return parseBigInt(value).toString();
  },
  parseValue: parseBigInt,
  parseLiteral(ast) {
    if (ast.kind !== Kind.INT && ast.kind !== Kind.STRING) throw invalid("BigInt must be an integer");
    return parseBigInt(ast.value);
  },
});
