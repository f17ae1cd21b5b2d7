/** Microsoft.Storage: storage accounts (202 + Location, global names) and checkNameAvailability. */
import { ArmError } from "../errors";
import { asObject, isObject, isoNow } from "../json";
import * as names from "../names";
import type { Json } from "../store";
import type {
  ProviderHost,
  ResourceCtx,
  ResourceProvider,
  SimRequest,
  SimResponse,
  SubscriptionRoute,
} from "../provider";
import { T, TERMINAL_OK } from "../provider";

export class StorageProvider implements ResourceProvider {
  constructor(private readonly h: ProviderHost) {}

  readonly types = {
    [T.storage.toLowerCase()]: {
      put: (c: ResourceCtx) => this.putStorage(c),
      delete: (c: ResourceCtx) => this.h.deleteSync(c),
    },
  };

  subscriptionRoute(req: SimRequest, _sub: string, rest: string[]): SubscriptionRoute | null {
    if (rest.length !== 1 || rest[0].toLowerCase() !== "checknameavailability") return null;
    return {
      apiType: T.storage.toLowerCase(),
      run: () => {
        if (req.method !== "POST") throw this.h.methodNotAllowed(req);
        return this.checkNameAvailability(asObject(req.body));
      },
    };
  }

  private checkNameAvailability(body: Json): SimResponse {
    const name = String(body.name ?? "");
    const err = names.checkStorageAccountName(name);
    if (err) return { status: 200, body: { nameAvailable: false, reason: "AccountNameInvalid", message: err.message } };
    const taken = this.h.findGlobal(T.storage, name);
    return {
      status: 200,
      body: taken
        ? {
            nameAvailable: false,
            reason: "AlreadyExists",
            message: `The storage account named ${name} is already taken.`,
          }
        : { nameAvailable: true },
    };
  }

  private putStorage(ctx: ResourceCtx): SimResponse {
    const err = names.checkStorageAccountName(ctx.name);
    if (err) throw err;
    const body = asObject(ctx.req.body);
    const location = this.h.ensureLocation(body, ctx.type);
    const taken = this.h.findGlobal(T.storage, ctx.name);
    if (taken && taken.key !== ctx.key) {
      throw new ArmError(409, "StorageAccountAlreadyTaken", `The storage account named ${ctx.name} is already taken.`);
    }
    if (!isObject(body.sku) || typeof body.sku.name !== "string") {
      throw new ArmError(400, "InvalidRequestContent", "The value for one of the properties is missing: 'sku'.", {
        target: "sku",
      });
    }
    const input = asObject(body.properties);
    const n = ctx.name;
    const final: Json = {
      id: ctx.id,
      name: n,
      type: T.storage,
      location,
      tags: this.h.tags(body),
      sku: { name: body.sku.name, tier: String(body.sku.name).startsWith("Premium") ? "Premium" : "Standard" },
      kind: body.kind ?? "StorageV2",
      ...(body.identity ? { identity: body.identity } : {}),
      properties: {
        accessTier: "Hot",
        allowBlobPublicAccess: false,
        minimumTlsVersion: "TLS1_2",
        supportsHttpsTrafficOnly: true,
        allowSharedKeyAccess: true,
        isHnsEnabled: false,
        publicNetworkAccess: "Enabled",
        networkAcls: { bypass: "AzureServices", virtualNetworkRules: [], ipRules: [], defaultAction: "Allow" },
        encryption: {
          services: { blob: { enabled: true, keyType: "Account" }, file: { enabled: true, keyType: "Account" } },
          keySource: "Microsoft.Storage",
        },
        ...input,
        provisioningState: TERMINAL_OK,
        creationTime: ctx.existing ? asObject(ctx.existing.body.properties).creationTime : isoNow(this.h.now()),
        primaryEndpoints: {
          blob: `https://${n}.blob.core.windows.net/`,
          queue: `https://${n}.queue.core.windows.net/`,
          table: `https://${n}.table.core.windows.net/`,
          file: `https://${n}.file.core.windows.net/`,
          dfs: `https://${n}.dfs.core.windows.net/`,
          web: `https://${n}.z13.web.core.windows.net/`,
        },
        primaryLocation: location,
        statusOfPrimary: "available",
      },
    };
    const resource = this.h.newResource(ctx, final, location);
    if (ctx.existing && !ctx.existing.pending) {
      this.h.store.put(resource);
      return { status: 200, body: final, delayMs: this.h.latency.duration("read") };
    }
    const op = this.h.startOperation(resource, "create", "storageAccountCreate", ctx.req, {
      overlay: { properties: { provisioningState: "Creating" } },
      failedState: { properties: { provisioningState: "Failed" } },
    });
    return {
      status: 202,
      headers: {
        Location: `${ctx.req.baseUrl}/subscriptions/${ctx.sub}/providers/Microsoft.Storage/locations/${location}/asyncoperations/${op.id}?monitor=true&api-version=${ctx.apiVersion}`,
        ...this.h.retryAfter(op),
      },
    };
  }
}
