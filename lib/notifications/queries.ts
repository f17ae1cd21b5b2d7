import "server-only";
import { db } from "@/lib/db/client";
import type { SessionUser } from "@/lib/auth/session";

/** The unread badge on every page: one index-only count (notifications_user_id_read_at_created_at_idx). */
export async function countUnread(user: SessionUser): Promise<number> {
  const [row] = await db.$queryRaw<[{ unread: number }]>`
    SELECT count(*)::int AS unread FROM notifications WHERE user_id = ${user.id} AND read_at IS NULL`;
  return row.unread;
}

export async function listInbox(user: SessionUser, take = 50) {
  return db.notification.findMany({
    where: { userId: user.id },
    orderBy: { createdAt: "desc" },
    take,
    select: { id: true, kind: true, title: true, body: true, requestId: true, readAt: true, createdAt: true },
  });
}
