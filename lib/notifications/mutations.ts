import "server-only";
import { db } from "@/lib/db/client";
import type { SessionUser } from "@/lib/auth/session";

/** Marks the person's own notifications read; ids of other people's notifications match nothing. */
export async function markNotificationsRead(user: SessionUser, ids: string[] | "all") {
  await db.notification.updateMany({
    where: { userId: user.id, readAt: null, ...(ids === "all" ? {} : { id: { in: ids } }) },
    data: { readAt: new Date() },
  });
}
