/**
 * In-memory state of the simulated estate: resources keyed by lower-case ARM id, long-running operations, soft-deleted
 * workspaces and the directory of principals. Operations settle lazily: every request first completes the operations
 * that are due, so no timers run and a paused process loses nothing.
 */
import fs from "node:fs";
import path from "node:path";
import type { DirectoryPrincipal, SimResource, SoftDeletedWorkspace } from "./types";

export type Json = Record<string, unknown>;

export interface StoredResource {
  key: string;
  id: string;
  type: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string | null;
  location: string | null;
  /** The resource as ARM returns it once settled. */
  body: Json;
  /** While an operation runs: what GET shows on top of `body` (e.g. provisioningState Creating). */
  pending?: { opId: string; overlay: Json };
  createdAt: number;
  updatedAt: number;
}

export type OperationEffect =
  | { kind: "none" }
  | { kind: "remove"; purge?: boolean }
  | { kind: "connectPrivateEndpoint" }
  | { kind: "computeState"; state: string };

export interface Operation {
  id: string;
  /** Lower-case id of the resource the operation acts on. */
  resourceKey: string;
  resourceId: string;
  action: "create" | "update" | "delete" | "action";
  startedAt: number;
  dueAt: number;
  status: "InProgress" | "Succeeded" | "Failed";
  endedAt?: number;
  error?: { code: string; message: string };
  /** Outcome decided when the operation started (fault injection). */
  outcome: "Succeeded" | "Failed";
  effect: OperationEffect;
  /** Final provisioning state to show on failure. */
  failedState?: Json;
}

export interface SoftDeletedRecord extends SoftDeletedWorkspace {
  key: string;
  resourceGroupKey: string;
  /** The workspace as it was, so re-creating it with the same name and settings recovers it. */
  body?: Json;
}

/** A soft-deleted key vault (Microsoft.KeyVault/deletedVaults), keyed by lower-case name (vault names are global). */
export interface DeletedVaultRecord {
  name: string;
  location: string;
  vaultId: string;
  deletionDate: string;
  scheduledPurgeDate: string;
  purgeProtectionEnabled: boolean;
  tags: Json;
  /** The vault as it was, for recovery with createMode "recover". */
  body: Json;
}

export interface PrincipalRecord extends DirectoryPrincipal {
  visibleAt: number;
}

interface PersistedState {
  version: 1;
  resources: StoredResource[];
  operations: Operation[];
  softDeleted: SoftDeletedRecord[];
  deletedVaults?: DeletedVaultRecord[];
  principals: PrincipalRecord[];
}

export type EffectHandler = (op: Operation, store: Store) => void;

export class Store {
  readonly resources = new Map<string, StoredResource>();
  readonly operations = new Map<string, Operation>();
  readonly softDeleted = new Map<string, SoftDeletedRecord>();
  readonly deletedVaults = new Map<string, DeletedVaultRecord>();
  readonly principals = new Map<string, PrincipalRecord>();
  private pending: Operation[] = [];
  private saveTimer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();
  private dirty = false;
  effectHandler: EffectHandler = () => {};

  constructor(
    private readonly stateFile: string | null,
    private readonly now: () => number = Date.now,
  ) {}

  load(): boolean {
    if (!this.stateFile || !fs.existsSync(this.stateFile)) return false;
    const state = JSON.parse(fs.readFileSync(this.stateFile, "utf8")) as PersistedState;
    for (const r of state.resources) this.resources.set(r.key, r);
    for (const op of state.operations) {
      this.operations.set(op.id, op);
      if (op.status === "InProgress") this.insertPending(op);
    }
    for (const s of state.softDeleted) this.softDeleted.set(s.key, s);
    for (const v of state.deletedVaults ?? []) this.deletedVaults.set(v.name.toLowerCase(), v);
    for (const p of state.principals) this.principals.set(p.objectId.toLowerCase(), p);
    return true;
  }

  // ---- resources -------------------------------------------------------------------------------------------------

  get(key: string): StoredResource | undefined {
    return this.resources.get(key);
  }

  put(resource: StoredResource): void {
    this.resources.set(resource.key, resource);
    this.markDirty();
  }

  /** Removes a resource and, as ARM does for nested resources and scopes, everything below it. */
  removeTree(key: string): StoredResource[] {
    const removed: StoredResource[] = [];
    const prefix = `${key}/`;
    for (const [k, r] of this.resources) {
      if (k === key || k.startsWith(prefix)) {
        removed.push(r);
        this.resources.delete(k);
      }
    }
    this.markDirty();
    return removed;
  }

  childrenOf(parentKey: string, type: string): StoredResource[] {
    const prefix = `${parentKey}/`;
    const lowerType = type.toLowerCase();
    const out: StoredResource[] = [];
    for (const [k, r] of this.resources) {
      if (!k.startsWith(prefix) || r.type.toLowerCase() !== lowerType) continue;
      if (k.slice(prefix.length).split("/").length === 2) out.push(r);
    }
    return out;
  }

  /** Top-level resources of a type in a resource group (lower-case rg key). */
  childrenOfGroup(rgKey: string, type: string): StoredResource[] {
    const prefix = `${rgKey}/providers/`;
    const out: StoredResource[] = [];
    for (const [k, r] of this.resources) if (k.startsWith(prefix) && r.type === type) out.push(r);
    return out;
  }

  all(): StoredResource[] {
    return [...this.resources.values()];
  }

  // ---- operations ------------------------------------------------------------------------------------------------

  addOperation(op: Operation): void {
    if (this.operations.size >= 5000) this.pruneOperations();
    this.operations.set(op.id, op);
    this.insertPending(op);
    this.markDirty();
  }

  /** Forgets finished operations older than an hour (clients poll them within seconds of completion). */
  private pruneOperations(): void {
    const cutoff = this.now() - 3600_000;
    for (const [id, op] of this.operations)
      if (op.status !== "InProgress" && (op.endedAt ?? 0) < cutoff) this.operations.delete(id);
  }

  private insertPending(op: Operation): void {
    let lo = 0;
    let hi = this.pending.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.pending[mid].dueAt <= op.dueAt) lo = mid + 1;
      else hi = mid;
    }
    this.pending.splice(lo, 0, op);
  }

  /** Completes every operation that is due. Cheap when nothing is due (one comparison). */
  settle(): void {
    const now = this.now();
    while (this.pending.length > 0 && this.pending[0].dueAt <= now) {
      const op = this.pending.shift()!;
      if (op.status !== "InProgress") continue;
      op.status = op.outcome;
      op.endedAt = now;
      this.effectHandler(op, this);
      this.markDirty();
    }
  }

  hasPendingFor(key: string): Operation | undefined {
    const r = this.resources.get(key);
    return r?.pending ? this.operations.get(r.pending.opId) : undefined;
  }

  // ---- directory -------------------------------------------------------------------------------------------------

  addPrincipals(list: DirectoryPrincipal[], delayMs: number): void {
    const visibleAt = this.now() + Math.max(0, delayMs);
    for (const p of list) {
      const existing = this.principals.get(p.objectId.toLowerCase());
      this.principals.set(p.objectId.toLowerCase(), {
        ...p,
        visibleAt: existing ? Math.min(existing.visibleAt, visibleAt) : visibleAt,
      });
    }
    this.markDirty();
  }

  // ---- views -----------------------------------------------------------------------------------------------------

  toSimResource(r: StoredResource, rendered: Json): SimResource {
    const props = (rendered.properties ?? {}) as Json;
    return {
      id: r.id,
      type: r.type,
      name: r.name,
      subscriptionId: r.subscriptionId,
      resourceGroup: r.resourceGroup,
      location: r.location,
      provisioningState: typeof props.provisioningState === "string" ? props.provisioningState : null,
      createdAt: new Date(r.createdAt).toISOString(),
      updatedAt: new Date(r.updatedAt).toISOString(),
      tags: (rendered.tags ?? {}) as Record<string, string>,
      resource: rendered,
    };
  }

  // ---- persistence -----------------------------------------------------------------------------------------------

  markDirty(): void {
    if (!this.stateFile) return;
    this.dirty = true;
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.flush();
    }, 100);
    this.saveTimer.unref();
  }

  async flush(): Promise<void> {
    if (!this.stateFile) return;
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = null;
    }
    this.saving = this.saving.then(async () => {
      if (!this.dirty || !this.stateFile) return;
      this.dirty = false;
      const state: PersistedState = {
        version: 1,
        resources: this.all(),
        operations: [...this.operations.values()],
        softDeleted: [...this.softDeleted.values()],
        deletedVaults: [...this.deletedVaults.values()],
        principals: [...this.principals.values()],
      };
      const file = path.resolve(this.stateFile);
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      await fs.promises.writeFile(tmp, JSON.stringify(state));
      await fs.promises.rename(tmp, file);
    });
    return this.saving;
  }
}
