"use client";
import { SectionError } from "../_components/section-error";

export default function InboxError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <SectionError
      {...props}
      section="Inbox"
      href="/inbox"
      advice="Your notifications are kept. Try again, or go back to the inbox."
    />
  );
}
