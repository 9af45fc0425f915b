import { GraphQLError, Kind, type ValidationContext, type ValidationRule, visit } from "graphql";
import { MAX_PAGE_SIZE } from "@/lib/domain/pagination";

/** Upper bounds for what one HTTP operation may ask; generous for real clients, fatal for abuse. */
export const LIMITS = {
  maxDepth: 12,
  maxCost: 5000,
  maxAliases: 15,
  maxDirectives: 50,
  maxTokens: 2000,
} as const;

/**
 * Validation rules of `/api/graphql` that explain themselves. A literal `first` outside 1..100 is
 * the caller's mistake, said as such (the resolvers say the same for a `first` given by variable);
 * it is checked before the cost limit, which multiplies by `first` and would otherwise answer a
 * `first: 1000` with a cost error. The cost error itself says what to do instead.
 */

const pageSizeErrors = new WeakSet<ValidationContext>();

function firstOutOfRange(): GraphQLError {
  return new GraphQLError(`first must be between 1 and ${MAX_PAGE_SIZE}`, {
    extensions: { code: "BAD_USER_INPUT", field: "first" },
  });
}

/** A literal `first` anywhere in the document must be 1..100 (every list in the schema caps it so). */
export const pageSizeRule: ValidationRule = (context) => ({
  // On the document, before the cost limit looks at its operations: one error for the document.
  Document(document) {
    let outOfRange = false;
    visit(document, {
      Argument(node) {
        if (node.name.value !== "first" || node.value.kind !== Kind.INT) return;
        const value = Number(node.value.value);
        if (value < 1 || value > MAX_PAGE_SIZE) outOfRange = true;
      },
    });
    if (!outOfRange) return;
    pageSizeErrors.add(context);
    context.reportError(firstOutOfRange());
  },
});

/**
 * graphql-armor's cost limit, rejecting through here instead of throwing: the rule then waits its
 * turn (a page-size error already reported wins), and its message says what to do about it.
 */
export function costLimitRejection(maxCost: number) {
  return (context: ValidationContext | null, error: GraphQLError): void => {
    if (!context || pageSizeErrors.has(context)) return;
    const found = /found (\d+(?:\.\d+)?)/.exec(error.message)?.[1];
    context.reportError(
      new GraphQLError(
        `Query cost limit of ${maxCost} exceeded${found ? ` (this query costs ${Math.ceil(Number(found))})` : ""}: ` +
          "ask for smaller pages (a lower `first`), fewer nested lists or fields, " +
          "or split the query into several requests and follow `pageInfo.endCursor`.",
        { extensions: { code: "GRAPHQL_VALIDATION_FAILED", maxCost } },
      ),
    );
  };
}
