import { guardedRoute, parseQuery } from "@/lib/auth/route-guard";
import { PEOPLE_SEARCH_ACCESS, searchPeople } from "@/lib/people/queries";
import { peopleSearchSchema } from "@/lib/people/schemas";

/**
 * The people picker's type-ahead (components/people/people-picker.tsx): `GET /people/search?q=<name or e-mail>` →
 * `{ people: [{ name, email }] }`, at most ten, only people who can be workspace members. A query too short or
 * too long answers 400 with the message the picker shows.
 */
export const GET = guardedRoute(PEOPLE_SEARCH_ACCESS, async (request, { user }) => {
  const people = await searchPeople(user, parseQuery(peopleSearchSchema, request));
  return Response.json({ people }, { headers: { "cache-control": "private, no-store" } });
});
