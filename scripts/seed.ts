// `npm run seed`: a demo workspace ("demo", single mode) for demo@tocsin.local with one intake
// source per format, printing each source's ingest URL and a fresh token (`-- --json` prints
// JSON). Running it again keeps everything and issues new tokens (tokens are shown only once).
// In embedded mode run it while the app is stopped: PGlite allows one process at a time.
import { and, eq } from "drizzle-orm";
import { getRuntimeMode } from "@/server/config/runtime";
import { createDbHandleFromEnv } from "@/server/db/client";
import { migrateDatabase } from "@/server/db/migrate";
import { communities, intakeSources, users, workspaces } from "@/server/db/schema";
import { ingestFormatIds, ingestFormats } from "@/server/ingest/formats";
import { authenticatedSourceUrls } from "@/server/sources/source-urls";
import { createSource, rotateSourceToken } from "@/server/sources/sources";
import { createWorkspace } from "@/server/workspaces/create-workspace";

const DEMO_EMAIL = "demo@tocsin.local";
const DEMO_SLUG = "demo";
const origin = process.env.AUTH_URL ? new URL(process.env.AUTH_URL).origin : `http://localhost:${process.env.PORT ?? 3000}`;
const asJson = process.argv.includes("--json");

const handle = createDbHandleFromEnv();
try {
  await migrateDatabase(handle);
  const db = handle.db;

  const [existingUser] = await db.select().from(users).where(eq(users.email, DEMO_EMAIL));
  const user = existingUser ?? (await db.insert(users).values({ email: DEMO_EMAIL, name: "Demo" }).returning())[0]!;
  const [existingWorkspace] = await db.select().from(workspaces).where(eq(workspaces.slug, DEMO_SLUG));
  const workspace = existingWorkspace ?? (await createWorkspace(db, user.id, { name: "Demo", slug: DEMO_SLUG, mode: "single" }));
  const [community] = await db.select().from(communities).where(eq(communities.workspaceId, workspace.id)).limit(1);
  if (!community) throw new Error(`Workspace "${DEMO_SLUG}" has no community`);

  const sources = [];
  for (const format of ingestFormatIds) {
    const name = `Demo ${format}`;
    const [existing] = await db
      .select()
      .from(intakeSources)
      .where(and(eq(intakeSources.workspaceId, workspace.id), eq(intakeSources.communityId, community.id), eq(intakeSources.name, name)));
    const { sourceId, token } = existing
      ? { sourceId: existing.id, token: (await rotateSourceToken(db, workspace.id, existing.id, 0, { userId: user.id })).token }
      : await createSource(db, { workspaceId: workspace.id, userId: user.id }, { communityId: community.id, name, format, silenceAfterSeconds: null, rateLimitPerSecond: 100 }).then(
          ({ source, token }) => ({ sourceId: source.id, token }),
        );
    sources.push({ format, name, sourceId, token, ...authenticatedSourceUrls(origin, sourceId, token) });
  }

  if (asJson) {
    console.log(JSON.stringify({ mode: getRuntimeMode(), user: DEMO_EMAIL, workspace: `${origin}/w/${DEMO_SLUG}`, sources }, null, 2));
  } else {
    console.log(`Demo workspace: ${origin}/w/${DEMO_SLUG} — sign in as ${DEMO_EMAIL} (${getRuntimeMode()} mode)\n`);
    for (const source of sources) {
      console.log(`${ingestFormats[source.format].label} (${source.format})`);
      console.log(`  URL:   ${source.byId}`);
      console.log(`  token: ${source.token}`);
    }
    const generic = sources.find((s) => s.format === "generic")!;
    console.log(`\nSend a first event:\n  curl -sS ${generic.byId} -H 'Authorization: Bearer ${generic.token}' -H 'Content-Type: application/json' \\`);
    console.log(`    -d '{"type":"alert.created","severity":"high","title":"Hello from Tocsin"}'`);
  }
} finally {
  await handle.close();
}
