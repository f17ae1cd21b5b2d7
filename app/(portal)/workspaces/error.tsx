"use client";
import { SectionError } from "../_components/section-error";

export default function WorkspaceError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <SectionError
      {...props}
      section="Workspace"
      href="/history"
      backLabel="the history"
      advice="The workspace itself is not affected. Try again, or open it again from the history."
    />
  );
}
