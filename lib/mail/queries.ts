import "server-only";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";

/** Mail caught in the embedded default, newest first (caught_mail_created_at_idx). */
export async function listCaughtMail(take = 50) {
  return db.caughtMail.findMany({
    orderBy: { createdAt: "desc" },
    take,
    select: { id: true, from: true, to: true, subject: true, text: true, createdAt: true },
  });
}

/** Whether email goes to an SMTP server (SMTP_URL) or is caught for this page. */
export function smtpConfigured(): boolean {
  return Boolean(env().SMTP_URL);
}
