// What every server action returns to its form. Pure (shared by client and server).
export type ActionState =
  { ok: true; message?: string } | { ok: false; message?: string; fieldErrors?: Record<string, string[] | undefined> };

export const initialActionState: ActionState = { ok: true };
