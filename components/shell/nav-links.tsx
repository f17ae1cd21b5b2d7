"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";
import type { NavSection } from "./nav-items";

export function NavLinks({ sections }: { sections: NavSection[] }) {
  const pathname = usePathname();
  const isActive = (href: string) => pathname === href || (href !== "/requests" && pathname.startsWith(`${href}/`));
  return (
    <div className="space-y-5">
      <Link
        href="/"
        aria-current={pathname === "/" ? "page" : undefined}
        className={cn(
          "block rounded-md px-3 py-2 text-sm font-medium",
          pathname === "/" ? "bg-brand-50 text-brand-900" : "text-slate-700 hover:bg-slate-100",
        )}
      >
        Overview
      </Link>
      {sections.map((section) => (
        <div key={section.label}>
          <p className="px-3 text-xs font-semibold tracking-wide text-slate-600 uppercase">{section.label}</p>
          <ul className="mt-1 space-y-0.5">
            {section.items.map((item) => (
              <li key={item.href}>
                <Link
                  href={item.href}
                  aria-current={isActive(item.href) ? "page" : undefined}
                  className={cn(
                    "block rounded-md px-3 py-2 text-sm font-medium",
                    isActive(item.href) ? "bg-brand-50 text-brand-900" : "text-slate-700 hover:bg-slate-100",
                  )}
                >
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}
