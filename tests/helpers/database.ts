/**
 * A fresh database per test file: a temporary SQLite file, or, when DATABASE_CLIENT=postgres (see
 * `npm run test:pg`), a new database in the running PostgreSQL cluster.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { randomUUID } from 'crypto';

export interface TestDatabase {
  client: 'sqlite' | 'postgres';
  /** environment that points the playground at this database */
  env: Record<string, string>;
  drop: () => Promise<void>;
}

const pgAdmin = async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client } = require('pg');
  const client = new Client({
    host: process.env.DATABASE_HOST ?? '127.0.0.1',
    port: Number(process.env.DATABASE_PORT ?? 5432),
    user: process.env.DATABASE_USERNAME ?? 'postgres',
    password: process.env.DATABASE_PASSWORD,
    database: 'postgres',
  });
  await client.connect();
  return client;
};

export async function createTestDatabase(): Promise<TestDatabase> {
  if (process.env.DATABASE_CLIENT === 'postgres') {
    const name = `bulk_actions_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const admin = await pgAdmin();
    await admin.query(`CREATE DATABASE ${name}`); // generated name, never input
    await admin.end();
    return {
      client: 'postgres',
      env: { DATABASE_CLIENT: 'postgres', DATABASE_NAME: name },
      async drop() {
        const client = await pgAdmin();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulk-actions-test-'));
  return {
    client: 'sqlite',
    env: { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: path.join(dir, 'data.db') },
    async drop() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
