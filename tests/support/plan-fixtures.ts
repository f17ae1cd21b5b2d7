/** Fixed inputs for plan tests (pure data, used by lib/plan and lib/requests tests). */
import type { PlanInput, PlanMember, PlanSettings } from "@/lib/plan/types";

export const SUBSCRIPTIONS = {
  dev: "11111111-1111-4111-8111-111111111111",
  test: "22222222-2222-4222-8222-222222222222",
  prod: "33333333-3333-4333-8333-333333333333",
};
export const TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
export const PE_SUBNET =
  "/subscriptions/99999999-9999-4999-8999-999999999999/resourceGroups/rg-hub-network/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-pep";
export const DNS_ZONES = [
  "/subscriptions/99999999-9999-4999-8999-999999999999/resourceGroups/rg-hub-dns/providers/Microsoft.Network/privateDnsZones/privatelink.api.azureml.ms",
  "/subscriptions/99999999-9999-4999-8999-999999999999/resourceGroups/rg-hub-dns/providers/Microsoft.Network/privateDnsZones/privatelink.notebooks.azure.net",
];

export const SETTINGS: PlanSettings = {
  tenantId: TENANT_ID,
  subscriptions: SUBSCRIPTIONS,
  allowedRegions: ["westeurope", "northeurope", "eastus"],
  privateEndpointSubnetId: PE_SUBNET,
  privateDnsZoneIds: DNS_ZONES,
  vmSizes: [
    { name: "Standard_DS3_v2", vcpus: 4, hourlyPriceUsd: 0.293, allowed: true },
    { name: "Standard_DS11_v2", vcpus: 2, hourlyPriceUsd: 0.185, allowed: true },
    { name: "Standard_NC6s_v3", vcpus: 6, hourlyPriceUsd: 3.06, allowed: true },
  ],
  portalAdmins: [
    {
      userId: "u-admin",
      entraObjectId: "aaaaaaaa-0000-4000-8000-000000000001",
      displayName: "Ada Admin",
      email: "ada.admin@contoso.com",
    },
  ],
};

export const ALICE: PlanMember = {
  userId: "u-alice",
  email: "alice@contoso.com",
  displayName: "Alice Scientist",
  entraObjectId: "0a000000-0000-4000-8000-00000000000a",
  role: "dataScientist",
};
export const BOB: PlanMember = {
  userId: "u-bob",
  email: "bob@contoso.com",
  displayName: "Bob Scientist",
  entraObjectId: "0b000000-0000-4000-8000-00000000000b",
  role: "dataScientist",
};
export const DANA: PlanMember = {
  userId: "u-dana",
  email: "dana@contoso.com",
  displayName: "Dana Engineer",
  entraObjectId: "0d000000-0000-4000-8000-00000000000d",
  role: "dataEngineer",
};
export const MO: PlanMember = {
  userId: "u-mo",
  email: "mo@contoso.com",
  displayName: "Mo Ops",
  entraObjectId: "0e000000-0000-4000-8000-00000000000e",
  role: "mlops",
};

/** The e2e journey's request: private, restricted, project, dev+test+prod, two data scientists and one MLOps engineer. */
export function journeyInput(overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    requestId: "5f0c7a52-9d1e-4c33-8a7b-2e6f4d1c9b80",
    requestNumber: 42,
    requestedBy: "alice@contoso.com",
    pattern: "project",
    team: { slug: "fraud", costCenter: "CC-1000", businessDivision: "Retail Banking", allowedRegions: [] },
    project: { slug: "churn", teamSlug: "fraud", costCenter: "CC-1001" },
    environments: ["dev", "test", "prod"],
    visibility: "private",
    restriction: "restricted",
    region: "westeurope",
    members: [ALICE, BOB, MO],
    compute: {
      instanceVmSize: "Standard_DS3_v2",
      idleShutdownMinutes: 60,
      devClusters: [{ vmSize: "Standard_DS11_v2", maxNodes: 4 }],
      pipelines: ["scoring"],
    },
    gitRepositoryUrl: "https://github.com/contoso/churn-model",
    costCenter: "CC-1001",
    settings: SETTINGS,
    ...overrides,
  };
}
