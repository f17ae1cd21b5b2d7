/**
 * Microsoft.KeyVault: vaults (201 RegisteringDns → Succeeded, global names) with soft delete: DELETE keeps a vault as a
 * deleted vault for softDeleteRetentionInDays (listDeleted/getDeleted), its name stays taken until it is purged (202 +
 * Location) or recovered (PUT with createMode "recover"); purge protection refuses the purge (405, as ARM answers).
 */
import { ArmError } from "../errors";
import { asObject, isObject, isoNow } from "../json";
import * as names from "../names";
import type {
  ProviderHost,
  ResourceCtx,
  ResourceProvider,
  SimRequest,
  SimResponse,
  SubscriptionRoute,
} from "../provider";
import type { DeletedVaultRecord, Json } from "../store";
import { T, TERMINAL_OK } from "../provider";

export class KeyVaultProvider implements ResourceProvider {
  constructor(private readonly h: ProviderHost) {}

  readonly types = {
    [T.vault.toLowerCase()]: {
      put: (c: ResourceCtx) => this.putVault(c),
      delete: (c: ResourceCtx) => this.deleteVault(c),
    },
  };

  subscriptionRoute(req: SimRequest, sub: string, rest: string[]): SubscriptionRoute | null {
    const low = rest.map((r) => r.toLowerCase());
    const apiType = T.vault.toLowerCase();
    if (rest.length === 1 && low[0] === "checknameavailability") {
      return {
        apiType,
        run: () => {
          if (req.method !== "POST") throw this.h.methodNotAllowed(req);
          return this.checkNameAvailability(asObject(req.body));
        },
      };
    }
    if (rest.length === 1 && low[0] === "deletedvaults") {
      return { apiType, run: () => this.listDeleted(req, sub) };
    }
    if (low[0] === "locations" && low[2] === "deletedvaults" && (rest.length === 4 || low[4] === "purge")) {
      const [location, name] = [low[1], rest[3]];
      if (rest.length === 4) return { apiType, run: () => this.getDeleted(req, sub, location, name) };
      if (rest.length === 5) return { apiType, run: () => this.purgeDeleted(req, sub, location, name) };
    }
    return null;
  }

  private deletedVault(sub: string, location: string, name: string): DeletedVaultRecord {
    this.purgeExpired();
    const record = this.h.store.deletedVaults.get(name.toLowerCase());
    if (
      !record ||
      record.location !== location ||
      !record.vaultId.toLowerCase().startsWith(`/subscriptions/${sub.toLowerCase()}/`)
    ) {
      throw new ArmError(
        404,
        "ResourceNotFound",
        `The Resource 'Microsoft.KeyVault/deletedVaults/${name}' was not found in location '${location}'.`,
      );
    }
    return record;
  }

  private renderDeleted(sub: string, v: DeletedVaultRecord): Json {
    return {
      id: `/subscriptions/${sub}/providers/Microsoft.KeyVault/locations/${v.location}/deletedVaults/${v.name}`,
      name: v.name,
      type: "Microsoft.KeyVault/deletedVaults",
      properties: {
        vaultId: v.vaultId,
        location: v.location,
        deletionDate: v.deletionDate,
        scheduledPurgeDate: v.scheduledPurgeDate,
        tags: v.tags,
        purgeProtectionEnabled: v.purgeProtectionEnabled,
      },
    };
  }

  private listDeleted(req: SimRequest, sub: string): SimResponse {
    if (req.method !== "GET") throw this.h.methodNotAllowed(req);
    this.purgeExpired();
    const prefix = `/subscriptions/${sub.toLowerCase()}/`;
    const value = [...this.h.store.deletedVaults.values()]
      .filter((v) => v.vaultId.toLowerCase().startsWith(prefix))
      .map((v) => this.renderDeleted(sub, v));
    return { status: 200, body: { value } };
  }

  private getDeleted(req: SimRequest, sub: string, location: string, name: string): SimResponse {
    if (req.method !== "GET") throw this.h.methodNotAllowed(req);
    return { status: 200, body: this.renderDeleted(sub, this.deletedVault(sub, location, name)) };
  }

  private purgeDeleted(req: SimRequest, sub: string, location: string, name: string): SimResponse {
    if (req.method !== "POST") throw this.h.methodNotAllowed(req);
    const record = this.deletedVault(sub, location, name);
    if (record.purgeProtectionEnabled) {
      throw new ArmError(405, "MethodNotAllowed", "Operation 'DeletedVaultPurge' is not allowed.");
    }
    this.h.store.deletedVaults.delete(name.toLowerCase());
    this.h.store.markDirty();
    const op = this.h.startDetachedOperation(this.renderDeleted(sub, record).id as string, "keyVaultDelete");
    return {
      status: 202,
      headers: {
        Location: this.h.opUrl(req, sub, "Microsoft.KeyVault", location, "operationResults", op),
        ...this.h.retryAfter(op),
      },
    };
  }

  /** Deleted vaults past their scheduled purge date are purged by the service. */
  private purgeExpired(): void {
    const now = this.h.now();
    for (const [k, v] of this.h.store.deletedVaults)
      if (Date.parse(v.scheduledPurgeDate) <= now) this.h.store.deletedVaults.delete(k);
  }

  /** DELETE: 200 when removed (kept as a deleted vault while soft delete is on, as it is by default), 204 when gone. */
  private deleteVault(ctx: ResourceCtx): SimResponse {
    const vault = ctx.existing;
    if (!vault) return { status: 204 };
    this.h.removeResource(vault, false, true);
    const props = asObject(vault.body.properties);
    if (props.enableSoftDelete !== false) {
      const now = this.h.now();
      const days = typeof props.softDeleteRetentionInDays === "number" ? props.softDeleteRetentionInDays : 90;
      this.h.store.deletedVaults.set(vault.name.toLowerCase(), {
        name: vault.name,
        location: vault.location ?? "eastus",
        vaultId: vault.id,
        deletionDate: isoNow(now),
        scheduledPurgeDate: isoNow(now + this.h.retentionMs(days)),
        purgeProtectionEnabled: props.enablePurgeProtection === true,
        tags: asObject(vault.body.tags),
        body: vault.body,
      });
      this.h.store.markDirty();
    }
    return { status: 200, delayMs: this.h.latency.duration("keyVaultDelete") };
  }

  /** A name held by a deleted vault is free only for recovery (createMode "recover") in the same subscription. */
  private recoverable(ctx: ResourceCtx, input: Json): Json | null {
    this.purgeExpired();
    const deleted = this.h.store.deletedVaults.get(ctx.name.toLowerCase());
    const recover = String(input.createMode ?? "").toLowerCase() === "recover";
    if (!deleted) {
      if (recover)
        throw new ArmError(404, "ResourceNotFound", `No deleted vault named '${ctx.name}' can be recovered.`);
      return null;
    }
    if (!recover || deleted.vaultId.toLowerCase() !== ctx.id.toLowerCase()) {
      throw new ArmError(
        409,
        "ConflictError",
        `Exist soft deleted vault with the same name. Recover or purge vault '${ctx.name}' first.`,
      );
    }
    this.h.store.deletedVaults.delete(ctx.name.toLowerCase());
    return deleted.body;
  }

  private checkNameAvailability(body: Json): SimResponse {
    const name = String(body.name ?? "");
    const err = names.checkKeyVaultName(name);
    if (err) return { status: 200, body: { nameAvailable: false, reason: "AccountNameInvalid", message: err.message } };
    const taken = this.h.findGlobal(T.vault, name);
    return {
      status: 200,
      body: taken
        ? { nameAvailable: false, reason: "AlreadyExists", message: `The vault name '${name}' is already in use.` }
        : { nameAvailable: true },
    };
  }

  private putVault(ctx: ResourceCtx): SimResponse {
    const err = names.checkKeyVaultName(ctx.name);
    if (err) throw err;
    const body = asObject(ctx.req.body);
    const location = this.h.ensureLocation(body, ctx.type);
    const taken = this.h.findGlobal(T.vault, ctx.name);
    if (taken && taken.key !== ctx.key) {
      throw new ArmError(
        409,
        "VaultAlreadyExists",
        `The vault name '${ctx.name}' is already in use. Vault names are globally unique so it is possible that the name is already taken. If you are sure that the vault name was not taken then it is possible that a vault with the same name was recently deleted but not purged after being placed in a recoverable state.`,
      );
    }
    const { createMode: _createMode, ...input } = asObject(body.properties);
    const recovered = ctx.existing ? null : this.recoverable(ctx, asObject(body.properties));
    const before = asObject((ctx.existing?.body ?? recovered)?.properties);
    if (before.enablePurgeProtection === true && input.enablePurgeProtection === false) {
      throw new ArmError(
        400,
        "BadRequest",
        'The property "enablePurgeProtection" cannot be set to false. Enabling the purge protection for a vault is an irreversible action.',
      );
    }
    if (recovered) Object.assign(input, { ...before, ...input });
    if (typeof input.tenantId !== "string" || !isObject(input.sku)) {
      throw new ArmError(400, "BadRequest", "The properties 'tenantId' and 'sku' are required to create a vault.", {
        target: "properties",
      });
    }
    const final: Json = {
      id: ctx.id,
      name: ctx.name,
      type: T.vault,
      location,
      tags: this.h.tags(body),
      systemData: this.h.systemData(ctx.existing),
      properties: {
        accessPolicies: [],
        enabledForDeployment: false,
        enabledForDiskEncryption: false,
        enabledForTemplateDeployment: false,
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        enableRbacAuthorization: false,
        publicNetworkAccess: "Enabled",
        ...input,
        vaultUri: `https://${ctx.name.toLowerCase()}.vault.azure.net/`,
        provisioningState: TERMINAL_OK,
      },
    };
    const resource = this.h.newResource(ctx, final, location);
    if (ctx.existing && !ctx.existing.pending) {
      this.h.store.put(resource);
      return { status: 200, body: final, delayMs: this.h.latency.duration("read") };
    }
    this.h.startOperation(resource, "create", "keyVaultCreate", ctx.req, {
      overlay: { properties: { provisioningState: "RegisteringDns" } },
      failedState: { properties: { provisioningState: "Failed" } },
    });
    return { status: 201, body: this.h.render(resource) };
  }
}
