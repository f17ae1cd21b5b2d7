"use client";
import { SectionError } from "../_components/section-error";

export default function AdminError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <SectionError
      {...props}
      section="Administration"
      href="/"
      backLabel="the overview"
      advice="No setting or role was changed by this error. Try again, or go back to the overview."
    />
  );
}
