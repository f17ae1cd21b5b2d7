import type { Metadata } from "next";
import localFont from "next/font/local";
import { connection } from "next/server";
import "./globals.css";

// Self-hosted (no font download at build time).
const inter = localFont({ src: "./fonts/inter-latin-wght.woff2", variable: "--font-inter", display: "swap" });

export const metadata: Metadata = {
  title: { default: "Atrium", template: "%s · Atrium" },
  description:
    "Self-service Azure Machine Learning workspaces, approved and provisioned by the rules of your platform team.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page is rendered per request: the CSP nonce (proxy.ts) is new for each response, and Next.js can only
  // put it on its scripts while rendering. A page prerendered at build time would carry no nonce and not run.
  await connection();
  return (
    <html lang="en" className={inter.variable}>
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
