// Email through nodemailer. With SMTP_URL set, mail goes to that SMTP server. Without it (the embedded default),
// nodemailer still builds the complete message (stream transport) and Atrium keeps it in `caught_mail`, where
// admins read it at /admin/mail — so a newcomer sees email work without configuring a server.
import "server-only";
import nodemailer, { type Transporter } from "nodemailer";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";

export type OutgoingMail = { deliveryId: string; to: string; subject: string; text: string; html: string };
export type MailResult = { messageId: string; responseCode: number | null; caught: boolean };

let smtp: { url: string; transporter: Transporter } | undefined;
let catcher: Transporter | undefined;

function smtpTransport(url: string): Transporter {
  if (smtp?.url !== url) {
    smtp?.transporter.close();
    // Timeouts keep a stalled server from holding a worker slot; the job retries later.
    smtp = {
      url,
      transporter: nodemailer.createTransport({
        url,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      }),
    };
  }
  return smtp.transporter;
}

export async function sendMail(mail: OutgoingMail): Promise<MailResult> {
  const e = env();
  const message = {
    from: e.MAIL_FROM,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    // The delivery id lets a receiver (and the tests) tie a message to its outbox row.
    headers: { "X-Atrium-Delivery": mail.deliveryId },
  };
  if (e.SMTP_URL) {
    const info = await smtpTransport(e.SMTP_URL).sendMail(message);
    const code = /^(\d{3})/.exec(String(info.response ?? ""));
    return { messageId: info.messageId, responseCode: code ? Number(code[1]) : null, caught: false };
  }
  catcher ??= nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  const info = await catcher.sendMail(message);
  await db.caughtMail.create({
    data: {
      deliveryId: mail.deliveryId,
      messageId: info.messageId,
      from: e.MAIL_FROM,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
    },
  });
  return { messageId: info.messageId, responseCode: null, caught: true };
}

/** SMTP reply codes: 4xx is a temporary refusal (retry), 5xx a permanent one. */
export function smtpResponseCode(error: unknown): number | null {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === "number" ? code : null;
}
