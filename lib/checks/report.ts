/** The check run as the pages, the API and the gate see it (a DTO of a feasibility_checks row). Pure. */
import type { CheckResult, CheckStatus } from "./evaluate";

export const CHECK_TRIGGERS = ["submitted", "rerun", "approval", "apply"] as const;
export type CheckTrigger = (typeof CHECK_TRIGGERS)[number];

export interface CheckAcknowledgement {
  userId: string;
  stage: string;
  at: string;
  warnings: string[];
}

export interface CheckReport {
  id: string;
  requestId: string;
  planHash: string;
  trigger: CheckTrigger;
  status: CheckStatus;
  results: CheckResult[];
  ranById: string | null;
  durationMs: number;
  createdAt: string;
  acknowledgements: CheckAcknowledgement[];
}

export function toCheckReport(row: {
  id: string;
  requestId: string;
  planHash: string;
  trigger: string;
  status: string;
  results: unknown;
  ranById: string | null;
  durationMs: number;
  createdAt: Date;
  acknowledgements: unknown;
}): CheckReport {
  return {
    id: row.id,
    requestId: row.requestId,
    planHash: row.planHash,
    trigger: row.trigger as CheckTrigger,
    status: row.status as CheckStatus,
    results: (Array.isArray(row.results) ? row.results : []) as CheckResult[],
    ranById: row.ranById,
    durationMs: row.durationMs,
    createdAt: row.createdAt.toISOString(),
    acknowledgements: (Array.isArray(row.acknowledgements) ? row.acknowledgements : []) as CheckAcknowledgement[],
  };
}
