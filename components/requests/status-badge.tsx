import { Badge } from "@/components/ui/badge";
import { REQUEST_STATUS_DISPLAY, type RequestStatusValue } from "@/lib/vocabulary";

/** The one status badge: /requests, /approvals and /history all show a status with it. */
export function RequestStatusBadge({ status }: { status: RequestStatusValue }) {
  const { label, tone } = REQUEST_STATUS_DISPLAY[status];
  return <Badge tone={tone}>{label}</Badge>;
}
