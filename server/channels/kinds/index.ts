import type { DeliveryChannelKind } from "@/server/db/schema";
import type { ChannelKindModule } from "../channel-kind";
import { discordChannelKind } from "./discord";
import { emailChannelKind } from "./email";
import { mattermostChannelKind } from "./mattermost";
import { slackChannelKind } from "./slack";
import { teamsChannelKind } from "./teams";
import { webhookChannelKind } from "./webhook";

/** How each kind of channel renders and sends. */
export const channelKindModules: Record<DeliveryChannelKind, ChannelKindModule> = {
  email: emailChannelKind,
  slack: slackChannelKind,
  teams: teamsChannelKind,
  mattermost: mattermostChannelKind,
  discord: discordChannelKind,
  webhook: webhookChannelKind,
};

export function getChannelKindModule(kind: DeliveryChannelKind): ChannelKindModule {
  const kindModule = channelKindModules[kind];
  // A kind read from a row this version does not know (a newer version wrote it).
  if (!kindModule) throw new Error(`No channel kind "${kind}"`);
  return kindModule;
}
