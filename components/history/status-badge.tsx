import { RequestStatusBadge } from "@/components/requests/status-badge";
import { fromDbStatusText } from "@/lib/requests/schemas";

// The history's SQL returns the database spelling (status::text); the badge is the requests' one.
export function StatusBadge({ status }: { status: string }) {
  return <RequestStatusBadge status={fromDbStatusText(status)} />;
}
