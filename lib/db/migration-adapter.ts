import { randomUUID } from "node:crypto";
import { env } from "../runtime/env";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { pgConfigFromUrl, withClient } from "./pg-config";

// Postgres types that the schema engine's introspection returns but @prisma/adapter-pg does not map
// (prisma/prisma#27403): `name` (19) and `"char"` (18). Both read fine as text (25).
const TEXT_OID = 25;
const REMAPPED_OIDS = new Set([18, 19]);

type Field = { dataTypeID: number };
function remapFields(result: unknown): unknown {
  const fields = (result as { fields?: Field[] } | undefined)?.fields;
  if (Array.isArray(fields)) {
    for (const field of fields) if (REMAPPED_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
  }
  return result;
}

class IntrospectionSafeClient extends pg.Client {
  // pg's query() is overloaded: pg.Pool calls it with a callback, direct callers get a promise.
  query(...args: unknown[]): never {
    const last = args.at(-1);
    if (typeof last === "function") {
      args[args.length - 1] = (err: unknown, result: unknown) => last(err, remapFields(result));
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result && typeof (result as Promise<unknown>).then === "function") {
      return (result as Promise<unknown>).then(remapFields) as never;
    }
    return result as never;
  }
}

function pool(config: pg.PoolConfig): pg.Pool {
  // allowExitOnIdle: idle pooled connections must not keep the CLI alive after it has finished.
  return new pg.Pool({ ...config, max: 1, allowExitOnIdle: true, Client: IntrospectionSafeClient });
}

/**
 * The driver adapter that Prisma's JS schema engine (prisma.config.ts) migrates through.
 * Unlike PrismaPg's own, its shadow database is reached with discrete connection fields (a URL's
 * database would win over the override) and dropped only after its pool has closed.
 * SHADOW_DATABASE_URL, when set, names a server on which the shadow database is created instead.
 */
export class MigrationAdapterFactory extends PrismaPg {
  constructor(private readonly url: string) {
    super(pool(pgConfigFromUrl(url)));
  }

  override async connectToShadowDb() {
    const serverUrl = env().shadowDatabaseUrl ?? this.url;
    const base = pgConfigFromUrl(serverUrl);
    const name = `prisma_shadow_${randomUUID().replaceAll("-", "")}`;
    const adminConfig = { ...base, database: base.database ?? "postgres" };
    await withClient(adminConfig, (admin) => admin.query(`CREATE DATABASE "${name}"`));
    const shadow = new PrismaPg(pool({ ...base, database: name }), { disposeExternalPool: true });
    const adapter = await shadow.connect();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await withClient(adminConfig, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}"`));
    };
    return adapter;
  }
}
