import { Badge } from "@/components/ui/badge";

const TONE = { HIGH: "danger", MEDIUM: "warning", LOW: "neutral" } as const;

export function SeverityBadge({ severity }: { severity: "HIGH" | "MEDIUM" | "LOW" }) {
  return <Badge tone={TONE[severity]}>{severity.toLowerCase()}</Badge>;
}
