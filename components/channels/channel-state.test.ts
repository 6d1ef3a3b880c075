import { describe, expect, it } from "vitest";
import { describeChannelState } from "./channel-state";

describe("channel state in words", () => {
  it("tells on, failing, off by hand and switched off by Tocsin apart", () => {
    expect(describeChannelState({ enabled: true, disabledReason: null, consecutiveFailures: 0 })).toEqual({ tone: "on", label: "On", detail: null });
    expect(describeChannelState({ enabled: true, disabledReason: null, consecutiveFailures: 3 })).toMatchObject({ tone: "failing", detail: "3 failures in a row: Tocsin switches it off after 5." });
    expect(describeChannelState({ enabled: false, disabledReason: null, consecutiveFailures: 0 })).toMatchObject({ tone: "off", label: "Off" });
    const reason = "5 deliveries in a row failed; the last: The receiver answered HTTP 500";
    expect(describeChannelState({ enabled: false, disabledReason: reason, consecutiveFailures: 5 })).toEqual({ tone: "disabled", label: "Switched off by Tocsin", detail: reason });
  });
});
