// Display helpers for the history, timeline, metrics and cost pages. Pure module.
import { toDbEnvironment, toDbStatus } from "@/lib/requests/schemas";
import {
  ENVIRONMENT_SHORT_LABELS,
  ENVIRONMENTS,
  REQUEST_STATUSES,
  STATUS_LABELS as REQUEST_STATUS_LABELS,
} from "@/lib/vocabulary";

export function requestLabel(number: number): string {
  return `REQ-${String(number).padStart(5, "0")}`;
}

export function formatDateTime(date: Date | null | undefined): string {
  if (!date) return "—";
  return `${date.toISOString().replace("T", " ").slice(0, 16)} UTC`;
}

/**
 * Any duration, from an ARM call to a lead time: "850 ms", "12.4 s", "3 min 12 s", "45 min", "5.2 h" or "3.1 d".
 * Short ones keep their seconds (provisioning steps), long ones round to what a reader compares (lead times).
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = ms / 60_000;
  if (minutes < 10) return `${Math.floor(minutes)} min ${Math.round((ms % 60_000) / 1000)} s`;
  if (minutes < 90) return `${Math.round(minutes)} min`;
  const hours = minutes / 60;
  if (hours < 48) return `${hours.toFixed(1)} h`;
  return `${(hours / 24).toFixed(1)} d`;
}

export function formatHours(hours: number | null | undefined): string {
  return hours === null || hours === undefined ? "—" : formatDuration(hours * 3_600_000);
}

const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });
const usdCents = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

export function formatUsd(value: number | null | undefined, cents = false): string {
  if (value === null || value === undefined) return "—";
  return (cents ? usdCents : usd).format(value);
}

export function formatPercent(part: number, whole: number): string {
  if (!whole) return "—";
  return `${((100 * part) / whole).toFixed(1)} %`;
}

// The history's SQL returns the database spelling; its labels are the vocabulary's, re-keyed by the one mapping.
export const STATUS_LABELS: Record<string, string> = Object.fromEntries(
  REQUEST_STATUSES.map((s) => [toDbStatus(s), REQUEST_STATUS_LABELS[s]]),
);

export const ENVIRONMENT_LABELS: Record<string, string> = Object.fromEntries(
  ENVIRONMENTS.map((e) => [toDbEnvironment(e), ENVIRONMENT_SHORT_LABELS[e]]),
);
