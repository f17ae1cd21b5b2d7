import "dotenv/config";
import { defineConfig } from "prisma/config";

// Migrations are applied by scripts/migrate.ts (Prisma's WASM schema engine, works offline);
// `prisma migrate deploy` reads the same folder where the native engine is available.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/atrium" },
});
