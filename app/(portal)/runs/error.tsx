"use client";
import { SectionError } from "../_components/section-error";

export default function RunsError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <SectionError
      {...props}
      section="Provisioning runs"
      href="/runs"
      advice="Provisioning continues in the background whatever this page shows. Try again, or go back to the runs list."
    />
  );
}
