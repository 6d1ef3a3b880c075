// A fresh database with one workspace and one generic intake source, made through the app's
// own domain functions (as an admin would through the UI), before any server opens it.
import path from "node:path";
import postgres from "postgres";
import { createPgliteHandle, createPostgresHandle, type DbHandle } from "@/server/db/client";
import { migrateDatabase } from "@/server/db/migrate";
import { communities, users } from "@/server/db/schema";
import { createSource } from "@/server/sources/sources";
import { createWorkspace } from "@/server/workspaces/create-workspace";
import { eq } from "drizzle-orm";

export type BenchSource = { sourceId: string; token: string };

export const BENCH_RATE_LIMIT = 100_000;

export async function seedSource(handle: DbHandle, label: string): Promise<BenchSource> {
  await migrateDatabase(handle);
  const db = handle.db;
  const [user] = await db.insert(users).values({ email: `bench-${label}@tocsin.local`, name: "Bench" }).returning();
  const workspace = await createWorkspace(db, user!.id, { name: `Bench ${label}`, slug: `bench-${label}`, mode: "single" });
  const [community] = await db.select().from(communities).where(eq(communities.workspaceId, workspace.id)).limit(1);
  const { source, token } = await createSource(
    db,
    { workspaceId: workspace.id, userId: user!.id },
    { communityId: community!.id, name: `Bench ${label}`, format: "generic", silenceAfterSeconds: null, rateLimitPerSecond: BENCH_RATE_LIMIT },
  );
  return { sourceId: source.id, token };
}

/** PGlite: seed the data dir, then close it (one process per data directory). */
export async function seedPglite(dataDir: string, label: string): Promise<BenchSource> {
  const handle = createPgliteHandle(dataDir);
  try {
    return await seedSource(handle, label);
  } finally {
    await handle.close();
  }
}

/** PostgreSQL: create database `name` on the server of `serverUrl`, seed it, return its URL. */
export async function createPostgresDatabase(serverUrl: string, name: string, label: string): Promise<{ url: string; source: BenchSource }> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = createPostgresHandle(url.toString(), { max: 2 });
  try {
    return { url: url.toString(), source: await seedSource(handle, label) };
  } finally {
    await handle.close();
  }
}

export async function dropPostgresDatabase(serverUrl: string, name: string) {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

export const pgliteDir = (dataDir: string) => path.join(dataDir, "pglite");
