import Link from "next/link";
import type { ReactNode } from "react";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { RuleRow, type ChannelSummary } from "./rule-row";
import type { RuleItem } from "./rule-types";

type Props = {
  workspaceSlug: string;
  rules: RuleItem[];
  isAdmin: boolean;
  /** Null in single mode. */
  communities: { id: string; name: string }[] | null;
  /** The channels the caller sees (their own and the shared ones). */
  channels: (ChannelSummary & { id: string })[];
};

const countRules = (n: number) => (n === 1 ? "1 rule" : `${n} rules`);

/** Your personal rules, then the shared ones (all of them for admins, those you receive otherwise). */
export function RulesView({ workspaceSlug, rules, isAdmin, communities, channels }: Props) {
  const personal = rules.filter((rule) => rule.kind === "personal");
  const shared = rules.filter((rule) => rule.kind === "shared");
  const communityNames = communities ? new Map(communities.map((c) => [c.id, c.name])) : null;
  const channelsById = new Map(channels.map((channel) => [channel.id, channel]));
  const newHref = `/w/${workspaceSlug}/rules/new`;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-zinc-600">
          {rules.length === 0 ? "No rules yet." : `${countRules(personal.length)} of your own${shared.length ? `, ${shared.length} shared` : ""}.`} Only you see your personal
          rules.
        </p>
        <Link href={newHref} className="inline-flex h-10 items-center rounded-md bg-zinc-900 px-4 text-sm font-medium text-white hover:bg-zinc-700">
          New rule
        </Link>
      </div>

      <RuleGroup title="Your rules" description={personal.length ? countRules(personal.length) : undefined} testId="personal-rules">
        {personal.length === 0 ? (
          <p className="text-sm text-zinc-500">
            A rule says which events you want to hear about: <em>a critical Data Theorem violation</em>, <em>an authentik failed login from outside the
            office</em>. <Link href={newHref} className="font-medium text-zinc-900 underline">Write your first rule</Link>.
          </p>
        ) : (
          <ul className="divide-y divide-zinc-100">
            {personal.map((rule) => (
              <RuleRow key={rule.id} workspaceSlug={workspaceSlug} rule={rule} communityNames={communityNames} channels={channelsById} />
            ))}
          </ul>
        )}
      </RuleGroup>

      {shared.length || isAdmin ? (
        <RuleGroup
          title="Shared rules"
          description={isAdmin ? "The workspace’s rules, notifying the members and roles they name. Admins write them." : "Rules an admin shared with you."}
          testId="shared-rules"
        >
          {shared.length === 0 ? (
            <p className="text-sm text-zinc-500">None yet. Tick “Shared rule” in the editor to notify members or roles other than you.</p>
          ) : (
            <ul className="divide-y divide-zinc-100">
              {shared.map((rule) => (
                <RuleRow key={rule.id} workspaceSlug={workspaceSlug} rule={rule} communityNames={communityNames} channels={channelsById} />
              ))}
            </ul>
          )}
        </RuleGroup>
      ) : null}
    </div>
  );
}

function RuleGroup({ title, description, testId, children }: { title: string; description?: string; testId: string; children: ReactNode }) {
  return (
    <Card data-testid={testId}>
      <CardHeader title={title} description={description} />
      <CardBody>{children}</CardBody>
    </Card>
  );
}
