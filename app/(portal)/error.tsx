"use client";
import { SectionError } from "./_components/section-error";

// Sections have their own error boundaries; this one catches the overview, keeping the portal's navigation.
export default function PortalError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <SectionError
      {...props}
      section="The overview"
      href="/"
      backLabel="the overview"
      advice="Nothing you did was lost. Try again, or use the navigation to continue elsewhere."
    />
  );
}
