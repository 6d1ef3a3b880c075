"use client";

import Link from "next/link";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import type { WorkspaceMode } from "@/server/db/schema/workspaces";
import { CreateSourceDialog } from "./create-source-dialog";
import { SourceRow } from "./source-row";
import type { CommunityOption, SourceItem, SourcesContext } from "./source-types";

type Props = SourcesContext & {
  mode: WorkspaceMode;
  canManage: boolean;
  communities: CommunityOption[];
  sources: SourceItem[];
};

const countSources = (n: number) => (n === 1 ? "1 source" : `${n} sources`);

/**
 * The workspace's sources, one card per community in multi mode; in single mode the one
 * community stays hidden and is used implicitly.
 */
export function SourcesView({ mode, canManage, communities, sources, ...context }: Props) {
  const [creating, setCreating] = useState(false);
  const multi = mode === "multi";
  const groups = multi
    ? communities.map((community) => ({ key: community.id, title: community.name, sources: sources.filter((s) => s.communityId === community.id) }))
    : [{ key: "all", title: null, sources }];
  const enabledCount = sources.filter((s) => s.enabled).length;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-zinc-600">
          {sources.length === 0 ? "No sources yet." : `${countSources(sources.length)}, ${enabledCount} enabled.`}
          {canManage ? null : " Only admins can add or change sources."}
        </p>
        {canManage ? (
          <Button onClick={() => setCreating(true)} disabled={communities.length === 0}>
            New source
          </Button>
        ) : null}
      </div>

      {multi && communities.length === 0 ? (
        <Card>
          <CardBody className="text-sm text-zinc-600">
            Every source belongs to a community.{" "}
            {canManage ? (
              <>
                <Link href={`/w/${context.workspaceSlug}/communities`} className="font-medium text-zinc-900 underline">
                  Add a community
                </Link>{" "}
                first.
              </>
            ) : (
              "An admin adds communities first."
            )}
          </CardBody>
        </Card>
      ) : null}

      {groups.map((group) => (
        <Card key={group.key} data-testid="source-group">
          {group.title ? <CardHeader title={group.title} description={group.sources.length ? countSources(group.sources.length) : undefined} /> : null}
          <CardBody>
            {group.sources.length === 0 ? (
              <p className="text-sm text-zinc-500">
                {canManage
                  ? "No sources yet. Add one for each tool that should send events: it gets its own URL and token."
                  : "No sources yet. An admin adds one for each tool that sends events."}
              </p>
            ) : (
              <ul className="divide-y divide-zinc-100">
                {group.sources.map((source) => (
                  <SourceRow key={source.id} source={source} canManage={canManage} {...context} />
                ))}
              </ul>
            )}
          </CardBody>
        </Card>
      ))}

      {creating ? <CreateSourceDialog {...context} communities={communities} chooseCommunity={multi} onClose={() => setCreating(false)} /> : null}
    </div>
  );
}
