/** Microsoft.KeyVault: vaults (201 RegisteringDns → Succeeded, global names). */
import { ArmError } from "../errors";
import { asObject, isObject } from "../json";
import * as names from "../names";
import type {
  ProviderHost,
  ResourceCtx,
  ResourceProvider,
  SimRequest,
  SimResponse,
  SubscriptionRoute,
} from "../provider";
import type { Json } from "../store";
import { T, TERMINAL_OK } from "../provider";

export class KeyVaultProvider implements ResourceProvider {
  constructor(private readonly h: ProviderHost) {}

  readonly types = {
    [T.vault.toLowerCase()]: {
      put: (c: ResourceCtx) => this.putVault(c),
      delete: (c: ResourceCtx) => this.h.deleteSync(c),
    },
  };

  subscriptionRoute(req: SimRequest, _sub: string, rest: string[]): SubscriptionRoute | null {
    if (rest.length !== 1 || rest[0].toLowerCase() !== "checknameavailability") return null;
    return {
      apiType: T.vault.toLowerCase(),
      run: () => {
        if (req.method !== "POST") throw this.h.methodNotAllowed(req);
        return this.checkNameAvailability(asObject(req.body));
      },
    };
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
    const input = asObject(body.properties);
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
