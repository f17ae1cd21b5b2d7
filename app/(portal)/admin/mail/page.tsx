import { EmptyState, PageHeader } from "@/components/ui/card";
import { DeliveryLog } from "@/components/notifications/delivery-log";
import { guardedPage } from "@/lib/auth/page-guard";
import { formatDateTime } from "@/lib/history/format";
import { listCaughtMail, smtpConfigured } from "@/lib/mail/queries";
import { listDeliveries } from "@/lib/webhooks/queries";

export const metadata = { title: "Sent mail" };

export default guardedPage("notifications.manage", async function SentMailPage() {
  const smtp = smtpConfigured();
  const [mail, deliveries] = await Promise.all([listCaughtMail(), listDeliveries(["EMAIL"])]);
  return (
    <>
      <PageHeader
        title="Sent mail"
        description={
          smtp
            ? "Email goes to the SMTP server in SMTP_URL. Below: every email delivery with its attempts and the server's last answer."
            : "No SMTP_URL is configured, so Atrium keeps the email it would send here instead of sending it. Set SMTP_URL to send through your mail server."
        }
      />
      {!smtp &&
        (mail.length === 0 ? (
          <EmptyState title="No mail yet">Submit or decide a request: the people concerned get email here.</EmptyState>
        ) : (
          <ul className="mb-10 divide-y divide-slate-200 rounded-lg bg-white shadow-xs ring-1 ring-slate-200">
            {mail.map((m) => (
              <li key={m.id} className="p-4">
                <details>
                  <summary className="cursor-pointer text-sm">
                    <span className="font-semibold text-slate-900">{m.subject}</span>
                    <span className="ml-2 text-slate-700">to {m.to}</span>
                    <span className="ml-2 text-xs text-slate-600">{formatDateTime(m.createdAt)}</span>
                  </summary>
                  <p className="mt-2 text-xs text-slate-600">From {m.from}</p>
                  <pre className="mt-2 font-sans text-sm whitespace-pre-wrap text-slate-800">{m.text}</pre>
                </details>
              </li>
            ))}
          </ul>
        ))}
      <h2 className="mt-6 mb-3 text-base font-semibold text-slate-900">Email deliveries</h2>
      <DeliveryLog rows={deliveries} caption="Email deliveries" />
    </>
  );
});
