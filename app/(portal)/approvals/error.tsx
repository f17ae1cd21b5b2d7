"use client";
import { SectionError } from "../_components/section-error";

export default function ApprovalsError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <SectionError
      {...props}
      section="Approvals"
      href="/approvals"
      advice="No decision was recorded by this error. Try again, or go back to the approval queue and open the request again."
    />
  );
}
