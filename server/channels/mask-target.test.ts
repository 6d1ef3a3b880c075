import { describe, expect, it } from "vitest";
import { maskEmailRecipients, maskUrl } from "./mask-target";

describe("maskUrl", () => {
  it.each([
    ["a Slack webhook", "https://hooks.slack.com/services/T0123/B0456/abcdefghijklmnopQx7a", "https://hooks.slack.com/…Qx7a"],
    ["a query string, which can hold the secret too", "https://prod-1.logic.azure.com:443/workflows/abc/invoke?sig=s3cr3tSIG", "https://prod-1.logic.azure.com/…tSIG"],
    ["a non-default port", "http://93.184.216.34:8080/hooks/0123456789abcdef0123456789", "http://93.184.216.34:8080/…6789"],
    ["an IPv6 host", "https://[2606:2800:220:1::1]/hook/0123456789abcdef0123456789", "https://[2606:2800:220:1::1]/…6789"],
    ["a short path: at most an eighth of it", "https://example.com/abcdefghijkl", "https://example.com/…l"],
    ["a very short path: nothing of it", "https://example.com/hook", "https://example.com/…"],
    ["no path", "https://example.com", "https://example.com/"],
    ["a fragment, which is never sent", "https://example.com/#0123456789abcdef", "https://example.com/"],
  ])("shows the scheme, host and at most four characters of %s", (_label, url, masked) => {
    expect(maskUrl(url)).toBe(masked);
  });

  it("never shows more than four characters of the secret part", () => {
    const secret = "x".repeat(500);
    expect(maskUrl(`https://example.com/${secret}`)).toBe("https://example.com/…xxxx");
  });
});

describe("maskEmailRecipients", () => {
  it("lists the addresses, which are not secrets", () => {
    expect(maskEmailRecipients(["soc@example.test", "ciso@example.test"])).toBe("soc@example.test, ciso@example.test");
  });
});
