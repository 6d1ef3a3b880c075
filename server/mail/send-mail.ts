import { Resend } from "resend";
import type { Db } from "@/server/db/client";
import { mailOutbox } from "@/server/db/schema";
import { isMailOutboxEnabled } from "@/server/config/runtime";
import { readMailFrom } from "./mail-from";

export type MailMessage = { to: string; subject: string; text: string; html: string };

/**
 * Sends one email: through Resend when RESEND_API_KEY is set (RESEND_BASE_URL, read by the SDK,
 * lets tests point it at a local stub), otherwise into the local outbox table.
 */
export async function sendMail(db: Db, message: MailMessage): Promise<void> {
  const from = await readMailFrom(db);
  if (isMailOutboxEnabled()) {
    await db.insert(mailOutbox).values({ ...message, from });
    return;
  }
  const resend = new Resend(process.env.RESEND_API_KEY);
  const { error } = await resend.emails.send({ from, ...message });
  if (error) throw new Error(`Resend did not accept the email to ${message.to}: ${error.message}`);
}
