/**
 * The URLs a tool is given. `byId` takes the token in an Authorization header (Bearer, or Basic
 * with the token as password); `withToken` carries it in the path, for tools that accept only
 * a URL (its value is only known right after creation or rotation).
 */
export function authenticatedSourceUrls(origin: string, sourceId: string, token?: string) {
  return {
    byId: `${origin}/api/ingest/${sourceId}`,
    withToken: token ? `${origin}/api/ingest/t/${token}` : null,
  };
}
