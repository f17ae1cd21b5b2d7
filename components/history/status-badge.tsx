import { RequestStatusBadge } from "@/components/requests/status-badge";
import { fromDbStatus } from "@/lib/requests/schemas";
import type { RequestStatus as DbRequestStatus } from "@/generated/prisma/enums";

// The history's SQL returns the database spelling (status::text); the badge is the requests' one.
export function StatusBadge({ status }: { status: string }) {
  return <RequestStatusBadge status={fromDbStatus(status as DbRequestStatus)} />;
}
