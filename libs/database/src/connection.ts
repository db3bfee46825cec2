import { Client } from 'pg';

export function withDatabaseName(url: string, name: string): string {
  const next = new URL(url);
  next.pathname = `/${name}`;
  return next.toString();
}

/**
 * The embedded default's application role: an ordinary login role (no superuser, no CREATEDB or
 * CREATEROLE) that owns its database and everything in it, so the app can migrate its own schema but
 * cannot switch off the triggers that keep the audit log and the register intact cluster-wide or read
 * another database. Objects an earlier version created as the superuser are handed over. Returns
 * the URL the app connects with. Run as the cluster's superuser.
 */
export async function ensureAppRole(
  superuserUrl: string,
  database: string,
  password: string,
): Promise<string> {
  const role = database;
  const admin = new Client({ connectionString: withDatabaseName(superuserUrl, 'postgres') });
  await admin.connect();
  try {
    const id = admin.escapeIdentifier(role);
    const secret = admin.escapeLiteral(password);
    await admin
      .query(
        `DO $$ BEGIN
           IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${admin.escapeLiteral(role)}) THEN
             CREATE ROLE ${id} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
           END IF;
         END $$`,
      )
      .catch((error: { code?: string }) => {
        if (error.code !== '42710' && error.code !== '23505') throw error; // created meanwhile by another process
      });
    await admin.query(`ALTER ROLE ${id} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${secret}`);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0)
      await admin.query(`CREATE DATABASE ${id} OWNER ${id}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error;
      });
    await admin.query(`ALTER DATABASE ${id} OWNER TO ${id}`);
  } finally {
    await admin.end();
  }
  const owner = new Client({ connectionString: withDatabaseName(superuserUrl, database) });
  await owner.connect();
  try {
    await owner.query(`
      DO $$ DECLARE item record; BEGIN
        EXECUTE format('ALTER SCHEMA public OWNER TO %I', ${owner.escapeLiteral(role)});
        FOR item IN
          SELECT format('ALTER %s %I.%I OWNER TO %I',
                        CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
                        n.nspname, c.relname, ${owner.escapeLiteral(role)}) AS statement
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
             AND pg_get_userbyid(c.relowner) <> ${owner.escapeLiteral(role)}
             AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
        LOOP EXECUTE item.statement; END LOOP;
        FOR item IN
          SELECT format('ALTER FUNCTION %s OWNER TO %I', p.oid::regprocedure, ${owner.escapeLiteral(role)}) AS statement
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> ${owner.escapeLiteral(role)}
        LOOP EXECUTE item.statement; END LOOP;
      END $$`);
  } finally {
    await owner.end();
  }
  const url = new URL(withDatabaseName(superuserUrl, database));
  url.username = role;
  url.password = password;
  return url.toString();
}
