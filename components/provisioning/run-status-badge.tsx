import { Badge, type Tone } from "@/components/ui/badge";

const RUN: Record<string, { label: string; tone: Tone }> = {
  QUEUED: { label: "Queued", tone: "info" },
  RUNNING: { label: "Provisioning", tone: "brand" },
  SUCCEEDED: { label: "Provisioned", tone: "success" },
  FAILED: { label: "Failed", tone: "danger" },
  CANCELLED: { label: "Stopped", tone: "warning" },
};

const STEP: Record<string, { label: string; tone: Tone }> = {
  PENDING: { label: "Waiting", tone: "neutral" },
  RUNNING: { label: "Running", tone: "brand" },
  SUCCEEDED: { label: "Done", tone: "success" },
  FAILED: { label: "Failed", tone: "danger" },
  CANCELLED: { label: "Not run", tone: "warning" },
};

export function RunStatusBadge({ status }: { status: string }) {
  const s = RUN[status] ?? { label: status, tone: "neutral" as const };
  return <Badge tone={s.tone}>{s.label}</Badge>;
}

export function StepStatusBadge({ status }: { status: string }) {
  const s = STEP[status] ?? { label: status, tone: "neutral" as const };
  return <Badge tone={s.tone}>{s.label}</Badge>;
}
