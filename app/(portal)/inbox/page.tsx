import Link from "next/link";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { MarkReadButton } from "@/components/notifications/mark-read-button";
import { guardedPage } from "@/lib/auth/page-guard";
import { listInbox } from "@/lib/notifications/queries";

export const metadata = { title: "Inbox" };

export default guardedPage("inbox.read", async function InboxPage(user) {
  const items = await listInbox(user);
  const unread = items.some((n) => !n.readAt);
  return (
    <>
      <PageHeader
        title="Inbox"
        description="Decisions and provisioning outcomes that concern you."
        actions={unread ? <MarkReadButton label="Mark all as read" /> : undefined}
      />
      {items.length === 0 ? (
        <EmptyState title="Nothing here yet">
          You will hear here when a request of yours is decided or provisioned, or when one waits for you.
        </EmptyState>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg bg-white shadow-xs ring-1 ring-slate-200">
          {items.map((n) => (
            <li key={n.id} className="flex items-start justify-between gap-4 p-4">
              <div>
                <p className="text-sm font-semibold text-slate-900">
                  {!n.readAt && (
                    <span
                      className="mr-2 inline-block size-2 rounded-full bg-brand-600"
                      role="img"
                      aria-label="Unread"
                    />
                  )}
                  {n.requestId ? (
                    <Link href={`/requests/${n.requestId}`} className="hover:underline">
                      {n.title}
                    </Link>
                  ) : (
                    n.title
                  )}
                </p>
                <p className="mt-0.5 text-sm text-slate-700">{n.body}</p>
                <p className="mt-1 text-xs text-slate-600">
                  <time dateTime={n.createdAt.toISOString()}>
                    {n.createdAt.toISOString().replace("T", " ").slice(0, 16)} UTC
                  </time>
                </p>
              </div>
              {!n.readAt && <MarkReadButton id={n.id} label="Mark read" />}
            </li>
          ))}
        </ul>
      )}
    </>
  );
});
