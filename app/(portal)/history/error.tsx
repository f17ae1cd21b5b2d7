"use client";
import { SectionError } from "../_components/section-error";

export default function HistoryError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <SectionError
      {...props}
      section="History"
      href="/history"
      advice="Try again. If a filter or a shared link caused it, go back to the history and set the filters again."
    />
  );
}
