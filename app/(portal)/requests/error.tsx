"use client";
import { SectionError } from "../_components/section-error";

export default function RequestsError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <SectionError
      {...props}
      section="Requests"
      href="/requests"
      advice="Your drafts and requests are saved; nothing you submitted was lost. Try again, or go back to your requests."
    />
  );
}
