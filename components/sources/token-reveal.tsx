"use client";

import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { CopyField } from "@/components/ui/copy-field";
import { buildCurlCommands } from "./curl-commands";
import { formatExamples } from "./format-examples";
import type { FormatOption, RevealedToken } from "./source-types";

/**
 * The token and both URLs, shown right after a source is created or its token rotated — and
 * never again: the server keeps only a hash. Everything a tool's setup needs is here to copy.
 */
export function TokenReveal({ revealed, format, notice, onDone }: { revealed: RevealedToken; format: FormatOption; notice?: ReactNode; onDone: () => void }) {
  const { token, urls } = revealed;
  const withToken = urls.withToken ?? "";
  const example = formatExamples[format.id];
  const commands = buildCurlCommands({ byId: urls.byId, withToken }, token, example);
  const exampleBody = JSON.stringify(example.body, null, 2);

  return (
    <div className="space-y-5" data-testid="token-reveal">
      <div className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
        <p className="font-semibold">Copy the token now: it is shown only this once.</p>
        <p className="mt-0.5">
          Tocsin keeps only a hash of it and cannot show it again. If it is lost, rotate the token to get a new one. The URL with the token
          is as secret as the token itself.
        </p>
      </div>
      {notice}

      <div className="space-y-3">
        <CopyField id="reveal-token" label="Token" value={token} />
        <CopyField id="reveal-url" label="Ingest URL" value={urls.byId} hint="Send the token in an Authorization header: Bearer, or Basic with the token as password." />
        <CopyField id="reveal-token-url" label="URL with token" value={withToken} hint="For tools that accept only a URL: the token is part of it." />
      </div>

      <section className="space-y-1">
        <h3 className="text-sm font-semibold text-zinc-900">Set up {format.label}</h3>
        <p className="text-sm text-zinc-700">{format.setupHint}</p>
        {format.id === "generic" ? (
          <p className="text-sm">
            <a className="font-medium text-zinc-900 underline" href="/schemas/ingest/generic.json" target="_blank" rel="noreferrer">
              JSON Schema of the generic format
            </a>
          </p>
        ) : null}
      </section>

      <section className="space-y-3">
        <div>
          <h3 className="text-sm font-semibold text-zinc-900">Try it with curl</h3>
          <p className="text-xs text-zinc-500">
            Each command posts the example below; Tocsin answers 202 with the ids of the events it stored.
            {format.id === "cloudevents" ? " The example has a fixed id, so posting it again counts as a duplicate." : null}
          </p>
        </div>
        {commands.map((command) => (
          <div key={command.id} className="space-y-1" data-testid={`curl-${command.id}`}>
            <div className="flex items-end justify-between gap-3">
              <div>
                <p className="text-sm font-medium text-zinc-800">{command.title}</p>
                <p className="text-xs text-zinc-500">{command.description}</p>
              </div>
              <CopyButton value={command.command} label={`${command.title.toLowerCase()} curl command`} />
            </div>
            <Code>{command.command}</Code>
          </div>
        ))}
      </section>

      <section className="space-y-1">
        <div className="flex items-end justify-between gap-3">
          <div>
            <h3 className="text-sm font-semibold text-zinc-900">Example body</h3>
            <p className="text-xs text-zinc-500">
              What {format.label} sends, as <code>{example.contentType}</code>.
            </p>
          </div>
          <CopyButton value={exampleBody} label="example body" />
        </div>
        <Code>{exampleBody}</Code>
      </section>

      <div className="flex justify-end border-t border-zinc-100 pt-4">
        <Button onClick={onDone}>I have copied the token</Button>
      </div>
    </div>
  );
}

function Code({ children }: { children: string }) {
  return <pre className="max-h-64 overflow-auto whitespace-pre-wrap break-all rounded-md bg-zinc-950 px-3 py-2 font-mono text-xs leading-relaxed text-zinc-100">{children}</pre>;
}
