import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import document from "./openapi.json";

/**
 * Checks real answers of the simulator protocol against its OpenAPI document (`openapi.json`), for
 * the contract suite: every answer must be one the document describes (the operation, its status,
 * the content type and, through Ajv's JSON Schema 2020-12 validator, the body), and the suite must
 * have seen every answer the document describes. So the document and the server cannot drift apart.
 */

type OpenApiDocument = typeof document;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type Exchange = {
  method: string;
  /** Below `/sim`, percent-encoded, without the query. */
  path: string;
  status: number;
  contentType: string | null;
  body: string;
};

const OPERATIONS = ["get", "post", "put", "patch", "delete", "options", "head"] as const;
const SCHEMA_ID = "minitwit-sim-openapi";

// ajv-formats is CommonJS with a default export that TypeScript sees one level down.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

function escapePointer(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}

function at(root: Json, pointer: string): Json {
  let node: Json = root;
  for (const raw of pointer.replace(/^#\//, "").split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (node === null || typeof node !== "object" || Array.isArray(node) || !(key in node))
      throw new Error(`${pointer} is not in the OpenAPI document`);
    node = node[key] as Json;
  }
  return node;
}

/** Follows an OpenAPI `$ref` (of a response object, say) to what it names, and where that is. */
function resolve(root: Json, pointer: string): { node: Json; pointer: string } {
  let node = at(root, pointer);
  while (node && typeof node === "object" && !Array.isArray(node) && typeof node.$ref === "string") {
    pointer = node.$ref;
    node = at(root, pointer);
  }
  return { node, pointer };
}

type Operation = { path: string; method: string; pattern: RegExp; statuses: Map<string, string | null> };

export class OpenApiChecker {
  private readonly ajv: Ajv2020;
  private readonly operations: Operation[] = [];
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly seen = new Set<string>();
  private readonly errorSchema: ValidateFunction;

  constructor(private readonly doc: Json = document as unknown as Json) {
    // The whole document is registered so that `$ref`s between its schemas resolve where they point.
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addFormat("int64", true);
    this.ajv.addSchema(doc as object, SCHEMA_ID);
    this.errorSchema = this.ajv.compile({ $ref: `${SCHEMA_ID}#/components/schemas/Error` });
    const paths = at(doc, "#/paths") as Record<string, Record<string, Json>>;
    for (const [path, item] of Object.entries(paths)) {
      const pattern = new RegExp(`^${path.replace(/\{[^}]+\}/g, "[^/]+").replace(/\./g, "\\.")}$`);
      for (const method of OPERATIONS) {
        if (!(method in item)) continue;
        const base = `#/paths/${escapePointer(path)}/${method}/responses`;
        const statuses = new Map<string, string | null>();
        for (const status of Object.keys(at(doc, base) as Record<string, Json>)) {
          const { node, pointer } = resolve(doc, `${base}/${status}`);
          const content = (node as { content?: Record<string, unknown> }).content;
          const type = content ? Object.keys(content)[0] : undefined;
          statuses.set(status, type ? `${pointer}/content/${escapePointer(type)}/schema` : null);
        }
        this.operations.push({ path, method, pattern, statuses });
      }
    }
  }

  /** Throws, saying what differs, unless the document describes this answer to this request. */
  check(exchange: Exchange): void {
    const where = `${exchange.method} /sim${exchange.path} → ${exchange.status}`;
    const method = exchange.method.toLowerCase() === "head" ? "get" : exchange.method.toLowerCase();
    const onPath = this.operations.filter((operation) => operation.pattern.test(exchange.path));
    const operation = onPath.find((candidate) => candidate.method === method);
    if (!operation) {
      // The document's general rule: another path is 404, another method 405, with the error body.
      const expected = onPath.length === 0 ? 404 : 405;
      if (exchange.status !== expected)
        throw new Error(`${where}: not in the OpenAPI document, which promises ${expected} there`);
      this.validateBody(this.errorSchema, exchange, where);
      return;
    }
    const status = String(exchange.status);
    if (!operation.statuses.has(status)) {
      throw new Error(
        `${where}: ${operation.method.toUpperCase()} ${operation.path} documents only ${[...operation.statuses.keys()].join(", ")}`,
      );
    }
    this.seen.add(`${operation.method.toUpperCase()} ${operation.path} ${status}`);
    const schema = operation.statuses.get(status) ?? null;
    if (schema === null) {
      if (exchange.body !== "") throw new Error(`${where}: documented without a body, got ${exchange.body}`);
      return;
    }
    if (exchange.method.toLowerCase() === "head") return;
    if (!exchange.contentType?.startsWith("application/json"))
      throw new Error(`${where}: documented as application/json, got ${exchange.contentType}`);
    this.validateBody(this.validator(schema), exchange, where);
  }

  /** Every documented operation and status, as `METHOD /path status`. */
  documented(): string[] {
    return this.operations.flatMap((operation) =>
      [...operation.statuses.keys()].map(
        (status) => `${operation.method.toUpperCase()} ${operation.path} ${status}`,
      ),
    );
  }

  /** The documented answers that no checked exchange produced. */
  unseen(): string[] {
    return this.documented().filter((answer) => !this.seen.has(answer));
  }

  private validator(pointer: string): ValidateFunction {
    let validate = this.validators.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${SCHEMA_ID}${pointer}` });
      this.validators.set(pointer, validate);
    }
    return validate;
  }

  private validateBody(validate: ValidateFunction, exchange: Exchange, where: string): void {
    let body: unknown;
    try {
      body = JSON.parse(exchange.body);
    } catch {
      throw new Error(`${where}: the body is not JSON: ${exchange.body.slice(0, 200)}`);
    }
    if (!validate(body)) {
      throw new Error(
        `${where}: the body does not match the document: ${this.ajv.errorsText(validate.errors)}`,
      );
    }
  }
}

export type { OpenApiDocument };
