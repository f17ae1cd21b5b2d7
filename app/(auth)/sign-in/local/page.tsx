import { notFound, redirect } from "next/navigation";
import { Badge } from "@/components/ui/badge";
import { signInAsPersonaAction } from "@/lib/auth/actions";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { getCurrentUser } from "@/lib/auth/session";
import { publicPage } from "@/lib/auth/page-guard";
import { listPersonas, personasAvailable } from "@/lib/auth/personas";

export const metadata = { title: "Choose a persona" };
export const dynamic = "force-dynamic";

export default publicPage(async function LocalPersonasPage() {
  // Outside local mode this route does not exist.
  if (!(await personasAvailable())) notFound();
  if (await getCurrentUser()) redirect("/");
  const personas = await listPersonas();
  return (
    <section aria-labelledby="personas-heading">
      <h1 id="personas-heading" className="text-xl font-semibold text-slate-900">
        Choose who you are
      </h1>
      <p className="mt-1 text-sm text-slate-600">
        Local mode: sign in as any seeded person, without a password. Production installations use Microsoft Entra ID
        instead.
      </p>
      <ul className="mt-6 grid gap-3 sm:grid-cols-2">
        {personas.map((p) => (
          <li key={p.id}>
            <form action={signInAsPersonaAction.bind(null, p.id)} className="h-full">
              <button
                type="submit"
                className="flex h-full w-full flex-col items-start gap-1.5 rounded-lg bg-white p-4 text-left shadow-xs ring-1 ring-slate-200 hover:ring-brand-500"
              >
                <span className="text-sm font-semibold text-slate-900">Sign in as {p.name}</span>
                <span className="text-xs text-slate-600">
                  {p.email}
                  {p.teams.length > 0 && ` · ${p.teams.join(", ")}`}
                </span>
                <span className="flex flex-wrap gap-1">
                  {p.roles.map((r) => (
                    <Badge key={r} tone="brand">
                      {ROLE_LABELS[r]}
                    </Badge>
                  ))}
                </span>
              </button>
            </form>
          </li>
        ))}
      </ul>
      {personas.length === 0 && (
        <p className="mt-6 text-sm text-slate-700">No people are seeded yet. Run `npm run db:seed`.</p>
      )}
    </section>
  );
});
