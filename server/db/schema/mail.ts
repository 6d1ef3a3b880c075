import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { uuidv7 } from "uuidv7";

// The local outbox: in embedded mode (no RESEND_API_KEY) every email Tocsin would send is
// stored here instead, readable at /outbox and by tests. Not tenant data: sign-in mail has
// no workspace.
export const mailOutbox = pgTable(
  "mail_outbox",
  {
    id: uuid("id").primaryKey().$defaultFn(() => uuidv7()),
    to: text("to").notNull(),
    from: text("from").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("mail_outbox_to_idx").on(t.to), index("mail_outbox_created_at_idx").on(t.createdAt)],
);
