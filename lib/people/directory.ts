import "server-only";
import { db } from "@/lib/db/client";

/**
 * The people directory the people picker searches (the request wizard's members step, a change that adds a
 * member). A person offered here can become a workspace member: they have an Entra object id (role
 * assignments are made to it) and are not disabled. Only a name and an e-mail leave the server.
 *
 * The seam: `peopleDirectory()` returns the local implementation, which searches the people Atrium knows (signed
 * in at least once, synchronised by an admin or seeded). In production it would search Microsoft Graph instead —
 * `GET https://graph.microsoft.com/v1.0/users?$search="displayName:<q>" OR "mail:<q>"&$select=displayName,mail,id&$top=10`
 * with the header `ConsistencyLevel: eventual`, as the signed-in person (delegated permission `User.ReadBasic.All`),
 * and upsert the chosen person as a User on selection. That implementation is not written: Atrium has no Graph
 * client and this repository makes no fake Graph calls.
 */
export type DirectoryPerson = { name: string; email: string };

export interface PeopleDirectory {
  /** At most `limit` people whose name or e-mail contains `query` (case-insensitive), best matches first. */
  search(query: string, limit: number): Promise<DirectoryPerson[]>;
}

/** The most matches a search returns: a picker lists a handful, it never pages through the organisation. */
export const PEOPLE_SEARCH_LIMIT = 10;

/** LIKE's wildcards and escape character, typed literally. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Searches the users table: prefix matches (of the e-mail, the name or a word of it) before other matches. */
export const localDirectory: PeopleDirectory = {
  async search(query, limit) {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const contains = `%${likeLiteral(q)}%`;
    const prefix = `${likeLiteral(q)}%`;
    const wordPrefix = `% ${likeLiteral(q)}%`;
    return db.$queryRaw<DirectoryPerson[]>`
      SELECT u.name, u.email FROM users u
      WHERE NOT u.disabled AND u.entra_object_id IS NOT NULL
        AND (lower(u.name) LIKE ${contains} ESCAPE '\\' OR lower(u.email) LIKE ${contains} ESCAPE '\\')
      ORDER BY (lower(u.name) LIKE ${prefix} ESCAPE '\\' OR lower(u.email) LIKE ${prefix} ESCAPE '\\'
          OR lower(u.name) LIKE ${wordPrefix} ESCAPE '\\') DESC, u.name, u.email
      LIMIT ${Math.max(1, Math.min(limit, PEOPLE_SEARCH_LIMIT))}`;
  },
};

/** The directory in use (the place to return a Graph-backed directory in production). */
export function peopleDirectory(): PeopleDirectory {
  return localDirectory;
}
