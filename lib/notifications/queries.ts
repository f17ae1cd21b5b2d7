import "server-only";
import { db } from "@/lib/db/client";
import type { SessionUser } from "@/lib/auth/session";

export async function countUnread(user: SessionUser): Promise<number> {
  return db.notification.count({ where: { userId: user.id, readAt: null } });
}

export async function listInbox(user: SessionUser, take = 50) {
  return db.notification.findMany({
    where: { userId: user.id },
    orderBy: { createdAt: "desc" },
    take,
    select: { id: true, kind: true, title: true, body: true, requestId: true, readAt: true, createdAt: true },
  });
}
