import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { listSigningSecrets, signWebhookPayload } from "./webhook-signature";

const current = `whsec_${Buffer.from("current-secret-bytes-for-tests!!").toString("base64")}`;
const previous = `whsec_${Buffer.from("previous-secret-bytes-for-tests!").toString("base64")}`;
const body = JSON.stringify({ type: "tocsin.notification", version: 1, id: "msg_1" });
const id = "msg_0190a1b2-0000-7000-8000-000000000001";

/** The package receivers use: throws unless one of the signatures matches the secret. */
function verify(secret: string, payload: string, headers: Record<string, string>) {
  return new Webhook(secret).verify(payload, headers);
}

describe("signWebhookPayload", () => {
  it("signs as Standard Webhooks specifies: the standardwebhooks package verifies it", () => {
    const now = new Date();
    const headers = signWebhookPayload({ id, timestamp: now, body, secrets: [current] });
    expect(headers["webhook-id"]).toBe(id);
    expect(headers["webhook-timestamp"]).toBe(String(Math.floor(now.getTime() / 1000)));
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(verify(current, body, headers)).toEqual(JSON.parse(body));
  });

  it("gives the same signature for the same id, time and body (a retry is recognisable)", () => {
    const now = new Date();
    expect(signWebhookPayload({ id, timestamp: now, body, secrets: [current] })).toEqual(signWebhookPayload({ id, timestamp: now, body, secrets: [current] }));
  });

  it("sends both signatures, space-separated, while a rotated-out secret still signs", () => {
    const headers = signWebhookPayload({ id, timestamp: new Date(), body, secrets: [current, previous] });
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    expect(() => verify(current, body, headers)).not.toThrow();
    expect(() => verify(previous, body, headers)).not.toThrow();
  });

  it("fails verification when the body, the timestamp or the id was changed", () => {
    const now = new Date();
    const headers = signWebhookPayload({ id, timestamp: now, body, secrets: [current] });
    expect(() => verify(current, body.replace("msg_1", "msg_2"), headers)).toThrow(/signature/i);
    expect(() => verify(current, body, { ...headers, "webhook-timestamp": String(Number(headers["webhook-timestamp"]) + 1) })).toThrow(/signature/i);
    expect(() => verify(current, body, { ...headers, "webhook-id": "msg_other" })).toThrow(/signature/i);
  });

  it("fails verification with another secret", () => {
    const headers = signWebhookPayload({ id, timestamp: new Date(), body, secrets: [current] });
    expect(() => verify(previous, body, headers)).toThrow(/signature/i);
  });

  it("refuses to sign without a secret", () => {
    expect(() => signWebhookPayload({ id, timestamp: new Date(), body, secrets: [] })).toThrow(/at least one secret/);
  });
});

describe("listSigningSecrets", () => {
  const now = new Date("2025-03-04T10:00:00Z");
  const secrets = { signingSecret: current, previousSigningSecret: previous };

  it("signs with the previous secret too until the overlap ends", () => {
    expect(listSigningSecrets(secrets, new Date("2025-03-05T09:59:59Z"), now)).toEqual([current, previous]);
  });

  it("signs with the current secret only once the overlap is over", () => {
    expect(listSigningSecrets(secrets, now, now)).toEqual([current]);
    expect(listSigningSecrets(secrets, new Date("2025-03-04T09:00:00Z"), now)).toEqual([current]);
  });

  it("signs with the current secret only when there is no previous one", () => {
    expect(listSigningSecrets({ signingSecret: current, previousSigningSecret: null }, new Date("2025-03-05T00:00:00Z"), now)).toEqual([current]);
    expect(listSigningSecrets(secrets, null, now)).toEqual([current]);
  });

  it("after the overlap, a receiver that still has only the previous secret stops verifying", () => {
    const afterOverlap = new Date();
    const headers = signWebhookPayload({ id, timestamp: afterOverlap, body, secrets: listSigningSecrets(secrets, new Date(afterOverlap.getTime() - 1), afterOverlap) });
    expect(() => verify(current, body, headers)).not.toThrow();
    expect(() => verify(previous, body, headers)).toThrow(/signature/i);
  });
});
