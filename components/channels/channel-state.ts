// A channel's state in words, for its row, its log page and the rule editor's picker.
import type { ChannelItem } from "./channel-types";

export type ChannelState = {
  tone: "on" | "failing" | "off" | "disabled";
  /** Short: the badge. */
  label: string;
  /** The sentence beside it, when there is more to say. */
  detail: string | null;
};

type StateFields = Pick<ChannelItem, "enabled" | "disabledReason" | "consecutiveFailures">;

const inARow = (n: number) => (n === 1 ? "1 failure" : `${n} failures in a row`);

export function describeChannelState(channel: StateFields): ChannelState {
  if (!channel.enabled && channel.disabledReason) {
    return { tone: "disabled", label: "Switched off by Tocsin", detail: channel.disabledReason };
  }
  if (!channel.enabled) return { tone: "off", label: "Off", detail: "Switched off by hand: nothing is sent until it is switched on." };
  if (channel.consecutiveFailures > 0) {
    return { tone: "failing", label: "Failing", detail: `${inARow(channel.consecutiveFailures)}: Tocsin switches it off after 5.` };
  }
  return { tone: "on", label: "On", detail: null };
}
