"use client";
import { SectionError } from "../_components/section-error";

export default function CostError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <SectionError
      {...props}
      section="Cost"
      href="/cost"
      advice="Try again, or go back to the cost page without filters."
    />
  );
}
