import { Badge, type Tone } from "@/components/ui/badge";
import { STATUS_LABELS, type RequestStatusValue } from "@/lib/requests/schemas";

const TONES: Record<RequestStatusValue, Tone> = {
  draft: "neutral",
  submitted: "info",
  approved: "brand",
  stakeholderApproved: "brand",
  provisioning: "warning",
  provisioned: "success",
  failed: "danger",
  rejected: "danger",
  cancelled: "neutral",
};

export function RequestStatusBadge({ status }: { status: RequestStatusValue }) {
  return <Badge tone={TONES[status]}>{STATUS_LABELS[status]}</Badge>;
}
