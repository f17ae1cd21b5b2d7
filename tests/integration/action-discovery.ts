// Every exported server action, found from the source tree (each `lib/**/actions.ts`), so the tests that use
// this list cover a new action the moment it exists.
import { readdirSync } from "node:fs";
import path from "node:path";

export type DiscoveredAction = { file: string; name: string; fn: (...args: unknown[]) => Promise<unknown> };

function actionFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return actionFiles(full);
    return entry.name === "actions.ts" ? [full] : [];
  });
}

export async function discoverActions(): Promise<DiscoveredAction[]> {
  const actions: DiscoveredAction[] = [];
  for (const file of actionFiles(path.resolve("lib"))) {
    const mod = (await import(file)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value === "function")
        actions.push({ file: path.relative(process.cwd(), file), name, fn: value as DiscoveredAction["fn"] });
    }
  }
  return actions;
}
