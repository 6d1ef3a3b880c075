import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

type ChannelOutputs = inferRouterOutputs<AppRouter>["channel"];

/** A channel as `channel.list` and `channel.get` return it: never a secret, only the masked target. */
export type ChannelItem = ChannelOutputs["list"][number];

/** A webhook's signing secret(s), as reveal and rotate return them. */
export type SigningSecrets = ChannelOutputs["revealSigningSecret"];

/** What every part of the channel pages needs. */
export type ChannelsContext = {
  workspaceSlug: string;
  timeZone: string;
};
