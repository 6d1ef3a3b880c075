import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/server/db/client";
import { createTestDatabase } from "@/server/db/test-database";
import { listOutbox } from "./outbox";
import { sendMail } from "./send-mail";
import { renderSignInEmail } from "./sign-in-email";

type Received = { path: string; authorization: string | undefined; body: Record<string, unknown> };

// A local stand-in for the Resend API: the real SDK is pointed at it through RESEND_BASE_URL.
function startResendStub(reply: (req: IncomingMessage) => { status: number; body: unknown }) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      received.push({ path: req.url ?? "", authorization: req.headers.authorization, body: JSON.parse(raw || "{}") });
      const { status, body } = reply(req);
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
  });
  return new Promise<{ server: Server; url: string; received: Received[] }>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received })),
  );
}

describe("sendMail", () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(() => handle.close());
  afterEach(() => vi.unstubAllEnvs());

  const message = renderSignInEmail("Dana@Example.com".toLowerCase(), "http://localhost:3000/api/auth/callback/resend?token=t", "localhost:3000");

  it("keeps the email in the local outbox when no Resend key is configured", async () => {
    vi.stubEnv("RESEND_API_KEY", "");
    await sendMail(handle.db, message);
    const [stored] = await listOutbox(handle.db, { to: "dana@example.com" });
    expect(stored).toMatchObject({ to: "dana@example.com", subject: message.subject, from: "Tocsin <tocsin@localhost>" });
    expect(stored!.text).toContain("http://localhost:3000/api/auth/callback/resend?token=t");
  });

  it("sends through the Resend SDK when RESEND_API_KEY is set, and writes nothing to the outbox", async () => {
    const stub = await startResendStub(() => ({ status: 200, body: { id: "email_123" } }));
    try {
      vi.stubEnv("RESEND_API_KEY", "re_test_key");
      vi.stubEnv("RESEND_BASE_URL", stub.url);
      vi.stubEnv("EMAIL_FROM", "Alerts <alerts@tocsin.example>");
      const before = (await listOutbox(handle.db)).length;
      await sendMail(handle.db, { ...message, to: "erin@example.com" });
      expect(stub.received).toHaveLength(1);
      expect(stub.received[0]).toMatchObject({
        path: "/emails",
        authorization: "Bearer re_test_key",
        body: { from: "Alerts <alerts@tocsin.example>", to: "erin@example.com", subject: message.subject, html: message.html, text: message.text },
      });
      expect(await listOutbox(handle.db)).toHaveLength(before);
    } finally {
      stub.server.close();
    }
  });

  it("fails loudly when Resend refuses the email", async () => {
    const stub = await startResendStub(() => ({ status: 422, body: { name: "validation_error", message: "Invalid `from` field", statusCode: 422 } }));
    try {
      vi.stubEnv("RESEND_API_KEY", "re_test_key");
      vi.stubEnv("RESEND_BASE_URL", stub.url);
      await expect(sendMail(handle.db, message)).rejects.toThrow(/Resend did not accept the email to dana@example.com: Invalid `from` field/);
    } finally {
      stub.server.close();
    }
  });
});
