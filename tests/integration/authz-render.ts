// Renders what a server component tree would fetch: every async (server) component in it is called with its
// props, recursively, as React would on the server — so a test that calls a page also runs the queries that
// stream in below its Suspense boundaries. Client components and sync components are walked through their
// props (children, fallbacks, slots), not called: they hold no data fetching of their own.
import { isValidElement, type ReactElement } from "react";

const isAsyncComponent = (type: unknown): type is (props: unknown) => Promise<unknown> =>
  typeof type === "function" && type.constructor.name === "AsyncFunction";

export async function resolveServerTree(node: unknown, depth = 0): Promise<number> {
  if (depth > 60) throw new Error("server tree deeper than 60 levels");
  if (Array.isArray(node)) {
    let count = 0;
    for (const child of node) count += await resolveServerTree(child, depth + 1);
    return count;
  }
  if (!isValidElement(node)) return 0;
  const { type, props } = node as ReactElement<Record<string, unknown>>;
  if (isAsyncComponent(type)) return 1 + (await resolveServerTree(await type(props), depth + 1));
  let count = 0;
  for (const value of Object.values(props ?? {})) count += await resolveServerTree(value, depth + 1);
  return count;
}
