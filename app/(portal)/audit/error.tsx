"use client";
import { SectionError } from "../_components/section-error";

export default function AuditError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <SectionError
      {...props}
      section="Audit trail"
      href="/audit"
      advice="The audit trail is append-only and not affected. Try again, or go back to the newest events."
    />
  );
}
