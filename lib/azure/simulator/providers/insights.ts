/** microsoft.insights: Application Insights components (synchronous 200, the legacy track-1 client). */
import { randomUUID } from "node:crypto";
import { ArmError } from "../errors";
import { asObject, isoNow } from "../json";
import * as names from "../names";
import type { ProviderHost, ResourceCtx, ResourceProvider, SimResponse } from "../provider";
import { T, TERMINAL_OK } from "../provider";
import type { Json } from "../store";

export class InsightsProvider implements ResourceProvider {
  constructor(private readonly h: ProviderHost) {}

  readonly types = {
    [T.appi.toLowerCase()]: {
      put: (c: ResourceCtx) => this.putAppInsights(c),
      delete: (c: ResourceCtx) => this.h.deleteSync(c, "appInsightsDelete"),
    },
  };

  private putAppInsights(ctx: ResourceCtx): SimResponse {
    const err = names.checkAppInsightsName(ctx.name);
    if (err) throw err;
    const body = asObject(ctx.req.body);
    const location = this.h.ensureLocation(body, ctx.type);
    if (typeof body.kind !== "string")
      throw new ArmError(400, "BadRequest", "The 'kind' property is required.", { target: "kind" });
    const input = asObject(body.properties);
    const prev = ctx.existing ? asObject(ctx.existing.body.properties) : {};
    const instrumentationKey = (prev.InstrumentationKey as string) ?? randomUUID();
    const final: Json = {
      id: `/subscriptions/${ctx.sub}/resourceGroups/${ctx.rg}/providers/microsoft.insights/components/${ctx.name}`,
      name: ctx.name,
      type: T.appi,
      location,
      tags: this.h.tags(body),
      kind: body.kind,
      etag: `"${randomUUID()}"`,
      properties: {
        Application_Type: "web",
        Flow_Type: "Bluefield",
        Request_Source: "rest",
        RetentionInDays: 90,
        IngestionMode: input.WorkspaceResourceId ? "LogAnalytics" : "ApplicationInsights",
        publicNetworkAccessForIngestion: "Enabled",
        publicNetworkAccessForQuery: "Enabled",
        ...input,
        ApplicationId: ctx.name,
        AppId: (prev.AppId as string) ?? randomUUID(),
        InstrumentationKey: instrumentationKey,
        ConnectionString: `InstrumentationKey=${instrumentationKey};IngestionEndpoint=https://${location}-0.in.applicationinsights.azure.com/;LiveEndpoint=https://${location}.livediagnostics.monitor.azure.com/`,
        CreationDate: (prev.CreationDate as string) ?? isoNow(this.h.now()),
        TenantId: ctx.sub,
        provisioningState: TERMINAL_OK,
      },
    };
    this.h.store.put(this.h.newResource(ctx, final, location));
    return { status: 200, body: final, delayMs: this.h.latency.duration("appInsightsWrite") };
  }
}
