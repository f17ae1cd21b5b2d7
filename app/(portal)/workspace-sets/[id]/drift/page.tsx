import Link from "next/link";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/ui/card";
import { SetDriftSection } from "@/components/drift/set-drift-section";
import { guardedPage, uuidParam } from "@/lib/auth/page-guard";
import { setDrift } from "@/lib/drift/queries";

export const metadata = { title: "Drift of a workspace set" };
export const dynamic = "force-dynamic";

// The set's drift on its own page (linked from the Drift page and the notifications); the set page shows the same
// section. Visible to whoever may see the set, missing to everyone else.
export default guardedPage(
  "signed-in",
  async function SetDriftPage(user, { params }: { params: Promise<{ id: string }> }) {
    const id = uuidParam((await params).id);
    const drift = await setDrift(user, id);
    if (!drift) notFound();
    return (
      <>
        <PageHeader
          title={`Drift of ${drift.scopeSlug}`}
          description="What Azure has now that differs from the approved state of this workspace set."
          actions={
            <Link href={`/workspace-sets/${id}`} className="text-sm font-medium text-brand-700 hover:underline">
              The workspace set
            </Link>
          }
        />
        <SetDriftSection user={user} setId={id} />
      </>
    );
  },
);
