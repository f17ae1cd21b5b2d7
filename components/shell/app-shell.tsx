import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { signOutAction } from "@/lib/auth/actions";
import { ROLE_LABELS, type Permission, type PortalRoleName } from "@/lib/auth/permissions";
import { NavLinks } from "./nav-links";
import { visibleSections } from "./nav-items";

export type ShellUser = { name: string; email: string; roles: PortalRoleName[]; permissions: Permission[] };

export function AppShell({
  user,
  unread,
  azureLabel,
  simulated,
  children,
}: {
  user: ShellUser;
  unread: number;
  azureLabel: string;
  simulated: boolean;
  children: React.ReactNode;
}) {
  const sections = visibleSections(new Set(user.permissions));
  return (
    <div className="min-h-screen lg:grid lg:grid-cols-[15rem_1fr]">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <aside className="border-b border-slate-200 bg-white lg:min-h-screen lg:border-r lg:border-b-0">
        <div className="flex items-center gap-2 px-5 py-4">
          <span
            aria-hidden
            className="grid size-8 place-items-center rounded-md bg-brand-600 text-sm font-bold text-white"
          >
            A
          </span>
          <Link href="/" className="text-lg font-semibold tracking-tight text-slate-900">
            Atrium
          </Link>
        </div>
        {/* Small screens: the navigation folds behind a Menu button; large screens: always visible. */}
        <details className="px-2 pb-3 lg:hidden">
          <summary className="cursor-pointer rounded-md px-3 py-2 text-sm font-semibold text-slate-800 ring-1 ring-slate-300">
            Menu
          </summary>
          <nav aria-label="Main" className="pt-3">
            <NavLinks sections={sections} />
          </nav>
        </details>
        <nav aria-label="Main" className="hidden px-2 pb-4 lg:block">
          <NavLinks sections={sections} />
        </nav>
      </aside>
      <div className="flex min-w-0 flex-col">
        <header className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 bg-white px-5 py-3">
          <div className="flex items-center gap-2">
            <Badge tone={simulated ? "warning" : "success"}>{azureLabel}</Badge>
            {simulated && (
              <span className="hidden text-xs text-slate-600 sm:inline">
                Nothing is created in a real subscription.
              </span>
            )}
          </div>
          <div className="flex items-center gap-4">
            <Link href="/inbox" className="relative text-sm font-medium text-slate-700 hover:text-slate-900">
              Inbox
              {unread > 0 && (
                <span className="ml-1.5 rounded-full bg-brand-600 px-1.5 py-0.5 text-xs font-semibold text-white">
                  {unread}
                  <span className="sr-only"> unread</span>
                </span>
              )}
            </Link>
            <div className="text-right">
              <p className="text-sm font-medium text-slate-900">{user.name}</p>
              <p className="text-xs text-slate-600">
                {user.roles.map((r) => ROLE_LABELS[r]).join(", ") || "No portal role"}
              </p>
            </div>
            <form action={signOutAction}>
              <button
                type="submit"
                className="rounded-md px-2 py-1 text-sm font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50"
              >
                Sign out
              </button>
            </form>
          </div>
        </header>
        <main id="main" className="mx-auto w-full max-w-7xl flex-1 px-5 py-6">
          {children}
        </main>
      </div>
    </div>
  );
}
