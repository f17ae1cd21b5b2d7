// The demo organisation used by the embedded default and the tests. Pure data.
// Identifiers are fixed so that a re-seed changes nothing and tests can refer to people by email.

export const DEMO_TENANT_ID = "4b1d6c3e-7a2f-4e8b-9c1d-2f3a4b5c6d7e";
export const CONNECTIVITY_SUBSCRIPTION_ID = "0c0ffee0-1111-4a2b-8c3d-4e5f60718293";

// Distinct first 8 characters: custom role names carry the subscription's prefix and must be unique per tenant.
export const DEMO_SUBSCRIPTIONS = {
  DEV: "d0000001-aaaa-4bbb-8ccc-000000000001",
  TEST: "d0000002-aaaa-4bbb-8ccc-000000000002",
  PROD: "d0000003-aaaa-4bbb-8ccc-000000000003",
} as const;

const hub = `/subscriptions/${CONNECTIVITY_SUBSCRIPTION_ID}/resourceGroups/rg-hub-network-westeurope/providers/Microsoft.Network`;
export const DEMO_PRIVATE_ENDPOINT_SUBNET_ID = `${hub}/virtualNetworks/vnet-hub-westeurope/subnets/snet-private-endpoints`;
export const DEMO_PRIVATE_DNS_ZONE_IDS = [
  `${hub}/privateDnsZones/privatelink.api.azureml.ms`,
  `${hub}/privateDnsZones/privatelink.notebooks.azure.net`,
];

export const DEMO_ALLOWED_REGIONS = ["westeurope", "northeurope", "swedencentral", "eastus", "eastus2"];

// Linux pay-as-you-go list prices (USD/hour, West Europe) as published on the Azure pricing calculator,
// read 2026-11; Atrium's estimates are indicative, never a quote.
export const DEMO_VM_SIZES = [
  { name: "Standard_DS3_v2", vcpus: 4, memoryGb: 14, hourlyPriceUsd: "0.2930", gpu: false, allowed: true },
  { name: "Standard_DS11_v2", vcpus: 2, memoryGb: 14, hourlyPriceUsd: "0.1850", gpu: false, allowed: true },
  { name: "Standard_D4s_v3", vcpus: 4, memoryGb: 16, hourlyPriceUsd: "0.2300", gpu: false, allowed: true },
  { name: "Standard_E4ds_v4", vcpus: 4, memoryGb: 32, hourlyPriceUsd: "0.3240", gpu: false, allowed: true },
  { name: "Standard_D13_v2", vcpus: 8, memoryGb: 56, hourlyPriceUsd: "0.7410", gpu: false, allowed: true },
  { name: "Standard_NC6s_v3", vcpus: 6, memoryGb: 112, hourlyPriceUsd: "3.3660", gpu: true, allowed: true },
  { name: "Standard_ND40rs_v2", vcpus: 40, memoryGb: 672, hourlyPriceUsd: "24.4800", gpu: true, allowed: false },
];

export const DEMO_TEAMS = [
  {
    slug: "fraud",
    name: "Fraud Analytics",
    costCenter: "CC-4100",
    businessDivision: "risk",
    allowedRegions: ["westeurope", "northeurope"],
  },
  {
    slug: "insights",
    name: "Customer Insights",
    costCenter: "CC-5200",
    businessDivision: "marketing",
    allowedRegions: [],
  },
  {
    slug: "supply",
    name: "Supply Chain Forecasting",
    costCenter: "CC-6300",
    businessDivision: "operations",
    allowedRegions: ["eastus", "eastus2", "westeurope"],
  },
];

export const DEMO_PROJECTS = [
  { slug: "fraudrt", name: "Real-time fraud scoring", team: "fraud", costCenter: "CC-4110" },
  { slug: "fraudgraph", name: "Fraud ring graph analysis", team: "fraud", costCenter: "CC-4120" },
  { slug: "churn", name: "Churn prediction", team: "insights", costCenter: "CC-5210" },
  { slug: "recsys", name: "Product recommendations", team: "insights", costCenter: "CC-5220" },
  { slug: "demand", name: "Demand forecasting", team: "supply", costCenter: "CC-6310" },
];

type Role = "REQUESTER" | "MLOPS" | "ADMIN" | "STAKEHOLDER";
export type DemoPerson = {
  id: string;
  name: string;
  email: string;
  roles: Role[];
  teams: string[];
  entraObjectId: string | null;
};

function oid(n: number) {
  return `5e1a0000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

export const DEMO_PEOPLE: DemoPerson[] = [
  {
    id: "usr-amara",
    name: "Amara Okafor",
    email: "amara.okafor@contoso.com",
    roles: ["REQUESTER"],
    teams: ["fraud"],
    entraObjectId: oid(1),
  },
  {
    id: "usr-ben",
    name: "Ben Carter",
    email: "ben.carter@contoso.com",
    roles: ["REQUESTER"],
    teams: ["fraud"],
    entraObjectId: oid(2),
  },
  {
    id: "usr-chen",
    name: "Chen Wei",
    email: "chen.wei@contoso.com",
    roles: ["REQUESTER"],
    teams: ["insights"],
    entraObjectId: oid(3),
  },
  {
    id: "usr-diana",
    name: "Diana Reyes",
    email: "diana.reyes@contoso.com",
    roles: ["MLOPS"],
    teams: ["fraud"],
    entraObjectId: oid(4),
  },
  {
    id: "usr-erik",
    name: "Erik Lindqvist",
    email: "erik.lindqvist@contoso.com",
    roles: ["MLOPS", "REQUESTER"],
    teams: ["insights"],
    entraObjectId: oid(5),
  },
  {
    id: "usr-fatima",
    name: "Fatima Khan",
    email: "fatima.khan@contoso.com",
    roles: ["ADMIN"],
    teams: [],
    entraObjectId: oid(6),
  },
  {
    id: "usr-george",
    name: "George Mensah",
    email: "george.mensah@contoso.com",
    roles: ["ADMIN", "REQUESTER"],
    teams: ["supply"],
    entraObjectId: oid(7),
  },
  {
    id: "usr-hannah",
    name: "Hannah Schmidt",
    email: "hannah.schmidt@contoso.com",
    roles: ["STAKEHOLDER"],
    teams: [],
    entraObjectId: oid(8),
  },
  {
    id: "usr-isabel",
    name: "Isabel Costa",
    email: "isabel.costa@contoso.com",
    roles: ["STAKEHOLDER", "ADMIN"],
    teams: [],
    entraObjectId: oid(9),
  },
  {
    id: "usr-jonas",
    name: "Jonas Weber",
    email: "jonas.weber@contoso.com",
    roles: ["REQUESTER"],
    teams: ["supply"],
    entraObjectId: oid(10),
  },
  {
    id: "usr-keiko",
    name: "Keiko Tanaka",
    email: "keiko.tanaka@contoso.com",
    roles: ["MLOPS"],
    teams: ["supply", "insights"],
    entraObjectId: oid(11),
  },
  {
    id: "usr-liam",
    name: "Liam O'Brien",
    email: "liam.obrien@contoso.com",
    roles: ["REQUESTER"],
    teams: ["insights"],
    entraObjectId: oid(12),
  },
  {
    id: "usr-maya",
    name: "Maya Patel",
    email: "maya.patel@contoso.com",
    roles: ["REQUESTER"],
    teams: ["fraud", "insights"],
    entraObjectId: oid(13),
  },
  // An external contributor whose Entra guest account is not provisioned yet: cannot be a workspace member.
  {
    id: "usr-noah",
    name: "Noah Fischer",
    email: "noah.fischer@partner.example",
    roles: ["REQUESTER"],
    teams: ["insights"],
    entraObjectId: null,
  },
];
