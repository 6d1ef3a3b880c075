import type { FormatExample } from "./format-examples";

/** Quotes for a POSIX shell: single quotes, with each ' written as '\''. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export type CurlCommand = { id: "bearer" | "basic" | "token-url"; title: string; description: string; command: string };

/** One ready-to-paste `curl` per way a tool can authenticate, each posting the format's example. */
export function buildCurlCommands(urls: { byId: string; withToken: string }, token: string, example: FormatExample): CurlCommand[] {
  const body = shellQuote(JSON.stringify(example.body));
  const contentType = `-H ${shellQuote(`Content-Type: ${example.contentType}`)}`;
  const lines = (...parts: string[]) => parts.join(" \\\n  ");
  return [
    {
      id: "bearer",
      title: "Bearer token",
      description: "The token in an Authorization header, to the source's URL.",
      command: lines(`curl -sS -X POST ${shellQuote(urls.byId)}`, `-H ${shellQuote(`Authorization: Bearer ${token}`)}`, contentType, `--data ${body}`),
    },
    {
      id: "basic",
      title: "Basic auth",
      description: "For tools that only do basic authentication: any user name, the token as password.",
      command: lines(`curl -sS -X POST ${shellQuote(urls.byId)}`, `-u ${shellQuote(`tocsin:${token}`)}`, contentType, `--data ${body}`),
    },
    {
      id: "token-url",
      title: "URL with the token",
      description: "For tools that accept only a URL: no header needed.",
      command: lines(`curl -sS -X POST ${shellQuote(urls.withToken)}`, contentType, `--data ${body}`),
    },
  ];
}
