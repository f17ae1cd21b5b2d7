/**
 * Atrium's price table (USD, pay-as-you-go list prices, Linux, East US). Each price names its source
 * and the date it was recorded. Azure Machine Learning adds no surcharge to compute: instances and
 * clusters cost what their VMs cost, and a Basic workspace itself is free.
 *
 * Portal admins keep per-size VM prices in the settings (vm_sizes table); those win over this
 * table's VM prices. Update this file when Microsoft's price list changes and keep the dates honest.
 * These figures were recorded from Microsoft's public price pages and were not re-checked online
 * from the build machine (it has no internet access): treat them as an estimate, as the UI says.
 */
export interface Price {
  usd: number;
  unit: string;
  source: string;
  recordedOn: string;
}

const VM_SOURCE = "https://azure.microsoft.com/pricing/details/virtual-machines/linux/ (pay-as-you-go, East US)";
const ML_SOURCE = "https://azure.microsoft.com/pricing/details/machine-learning/";
const RECORDED = "2026-11-23";

export const VM_HOURLY_PRICES: Record<string, Price> = {
  Standard_DS3_v2: { usd: 0.293, unit: "hour", source: VM_SOURCE, recordedOn: RECORDED },
  Standard_DS11_v2: { usd: 0.185, unit: "hour", source: VM_SOURCE, recordedOn: RECORDED },
  Standard_DS12_v2: { usd: 0.371, unit: "hour", source: VM_SOURCE, recordedOn: RECORDED },
  Standard_D4s_v3: { usd: 0.192, unit: "hour", source: VM_SOURCE, recordedOn: RECORDED },
  Standard_D8s_v3: { usd: 0.384, unit: "hour", source: VM_SOURCE, recordedOn: RECORDED },
  Standard_E4ds_v4: { usd: 0.288, unit: "hour", source: VM_SOURCE, recordedOn: RECORDED },
  Standard_F4s_v2: { usd: 0.169, unit: "hour", source: VM_SOURCE, recordedOn: RECORDED },
  Standard_NC4as_T4_v3: { usd: 0.526, unit: "hour", source: VM_SOURCE, recordedOn: RECORDED },
  Standard_NC6s_v3: { usd: 3.06, unit: "hour", source: VM_SOURCE, recordedOn: RECORDED },
};

export const FIXED_PRICES = {
  workspace: {
    usd: 0,
    unit: "month (Basic workspace; compute billed separately)",
    source: ML_SOURCE,
    recordedOn: RECORDED,
  },
  storagePerGbMonth: {
    usd: 0.0208,
    unit: "GB-month (Blob, hot, LRS)",
    source: "https://azure.microsoft.com/pricing/details/storage/blobs/",
    recordedOn: RECORDED,
  },
  keyVaultPer10kOperations: {
    usd: 0.03,
    unit: "10,000 operations (standard)",
    source: "https://azure.microsoft.com/pricing/details/key-vault/",
    recordedOn: RECORDED,
  },
  appInsightsPerGb: {
    usd: 2.3,
    unit: "GB ingested (pay-as-you-go)",
    source: "https://azure.microsoft.com/pricing/details/monitor/",
    recordedOn: RECORDED,
  },
  privateEndpointPerHour: {
    usd: 0.01,
    unit: "hour",
    source: "https://azure.microsoft.com/pricing/details/private-link/",
    recordedOn: RECORDED,
  },
  privateEndpointPerGb: {
    usd: 0.01,
    unit: "GB processed (inbound + outbound)",
    source: "https://azure.microsoft.com/pricing/details/private-link/",
    recordedOn: RECORDED,
  },
} satisfies Record<string, Price>;

/** Usage assumed for the fixed resources of one workspace. */
export const USAGE_ASSUMPTIONS = {
  hoursPerMonth: 730,
  storageGb: 100,
  keyVaultOperations: 100_000,
  appInsightsGb: 1,
  privateEndpointGb: 100,
  workDaysPerMonth: 22,
  activeHoursPerWorkDay: 8,
};
