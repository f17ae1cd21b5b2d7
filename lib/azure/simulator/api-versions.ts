/**
 * api-versions Azure defines per resource type (stable + the previews an SDK may send). Sources: the
 * Azure/azure-rest-api-specs folders of each resource provider and the defaults the installed SDKs send
 * (arm-resources 7 → 2025-04-01, arm-storage 20 → 2025-08-01, arm-keyvault 5 → 2026-02-01, arm-appinsights 4 →
 * 2018-05-01-preview for components, arm-machinelearning 2.1.1 → 2022-10-01, arm-network 36 → 2025-05-01,
 * arm-authorization 9 → 2022-04-01). A version outside the list answers 400 InvalidApiVersionParameter, as ARM does.
 */

const RESOURCES = [
  "2014-04-01",
  "2015-01-01",
  "2015-11-01",
  "2016-02-01",
  "2016-07-01",
  "2016-09-01",
  "2017-05-10",
  "2018-02-01",
  "2018-05-01",
  "2019-03-01",
  "2019-05-01",
  "2019-05-10",
  "2019-07-01",
  "2019-08-01",
  "2019-10-01",
  "2020-06-01",
  "2020-08-01",
  "2020-10-01",
  "2021-01-01",
  "2021-04-01",
  "2022-09-01",
  "2023-07-01",
  "2024-03-01",
  "2024-07-01",
  "2024-11-01",
  "2025-03-01",
  "2025-04-01",
];

const STORAGE = [
  "2016-01-01",
  "2016-05-01",
  "2016-12-01",
  "2017-06-01",
  "2017-10-01",
  "2018-02-01",
  "2018-07-01",
  "2018-11-01",
  "2019-04-01",
  "2019-06-01",
  "2020-08-01-preview",
  "2021-01-01",
  "2021-02-01",
  "2021-04-01",
  "2021-06-01",
  "2021-08-01",
  "2021-09-01",
  "2022-05-01",
  "2022-09-01",
  "2023-01-01",
  "2023-04-01",
  "2023-05-01",
  "2024-01-01",
  "2025-01-01",
  "2025-06-01",
  "2025-08-01",
];

const KEY_VAULT = [
  "2015-06-01",
  "2016-10-01",
  "2018-02-14",
  "2019-09-01",
  "2020-04-01-preview",
  "2021-04-01-preview",
  "2021-06-01-preview",
  "2021-10-01",
  "2021-11-01-preview",
  "2022-02-01-preview",
  "2022-07-01",
  "2022-11-01",
  "2023-02-01",
  "2023-07-01",
  "2024-04-01-preview",
  "2024-11-01",
  "2024-12-01-preview",
  "2025-05-01",
  "2026-02-01",
];

const INSIGHTS_COMPONENTS = [
  "2014-04-01",
  "2014-08-01",
  "2015-05-01",
  "2018-05-01-preview",
  "2020-02-02",
  "2020-02-02-preview",
];

const MACHINE_LEARNING = [
  "2018-03-01-preview",
  "2018-11-19",
  "2019-05-01",
  "2019-06-01",
  "2019-11-01",
  "2020-01-01",
  "2020-03-01",
  "2020-04-01",
  "2020-06-01",
  "2020-08-01",
  "2020-09-01-preview",
  "2021-01-01",
  "2021-03-01-preview",
  "2021-04-01",
  "2021-07-01",
  "2022-01-01-preview",
  "2022-02-01-preview",
  "2022-05-01",
  "2022-06-01-preview",
  "2022-10-01",
  "2022-10-01-preview",
  "2022-12-01-preview",
  "2023-02-01-preview",
  "2023-04-01",
  "2023-04-01-preview",
  "2023-06-01-preview",
  "2023-08-01-preview",
  "2023-10-01",
  "2024-01-01-preview",
  "2024-04-01",
  "2024-04-01-preview",
  "2024-07-01-preview",
  "2024-10-01",
  "2024-10-01-preview",
  "2025-01-01-preview",
  "2025-04-01",
  "2025-04-01-preview",
  "2025-06-01",
  "2025-07-01-preview",
  "2025-09-01",
  "2025-12-01",
];

const NETWORK = [
  "2019-04-01",
  "2019-06-01",
  "2019-07-01",
  "2019-08-01",
  "2019-09-01",
  "2019-11-01",
  "2019-12-01",
  "2020-03-01",
  "2020-04-01",
  "2020-05-01",
  "2020-06-01",
  "2020-07-01",
  "2020-08-01",
  "2020-11-01",
  "2021-02-01",
  "2021-03-01",
  "2021-05-01",
  "2021-08-01",
  "2022-01-01",
  "2022-05-01",
  "2022-07-01",
  "2022-09-01",
  "2022-11-01",
  "2023-02-01",
  "2023-04-01",
  "2023-05-01",
  "2023-06-01",
  "2023-09-01",
  "2023-11-01",
  "2024-01-01",
  "2024-03-01",
  "2024-05-01",
  "2024-07-01",
  "2024-10-01",
  "2025-01-01",
  "2025-03-01",
  "2025-05-01",
];

const PRIVATE_DNS = ["2018-09-01", "2020-01-01", "2020-06-01", "2024-06-01"];

const ROLE_ASSIGNMENTS = [
  "2015-07-01",
  "2017-10-01-preview",
  "2018-01-01-preview",
  "2018-09-01-preview",
  "2020-03-01-preview",
  "2020-04-01-preview",
  "2020-08-01-preview",
  "2020-10-01-preview",
  "2022-01-01-preview",
  "2022-04-01",
];

const ROLE_DEFINITIONS = ["2015-07-01", "2018-01-01-preview", "2022-04-01", "2022-05-01-preview"];

/** Budgets (Microsoft.Consumption specs; arm-consumption 9.2 sends 2021-10-01). */
const CONSUMPTION = ["2019-10-01", "2021-10-01", "2022-06-01", "2023-03-01", "2023-05-01", "2023-11-01", "2024-08-01"];

/** checkPolicyRestrictions (Microsoft.PolicyInsights specs; arm-policyinsights 6 sends 2024-10-01). */
const POLICY_RESTRICTIONS = ["2020-07-01", "2022-03-01", "2023-03-01", "2024-10-01"];

/** Keyed by lower-case `namespace/type` (the top-level type decides for its children, as in the specs). */
const BY_TYPE: Record<string, readonly string[]> = {
  "microsoft.resources/resourcegroups": RESOURCES,
  "microsoft.resources/operationresults": RESOURCES,
  "microsoft.storage/storageaccounts": STORAGE,
  "microsoft.storage/locations": STORAGE,
  "microsoft.keyvault/vaults": KEY_VAULT,
  "microsoft.keyvault/locations": KEY_VAULT,
  "microsoft.insights/components": INSIGHTS_COMPONENTS,
  "microsoft.machinelearningservices/workspaces": MACHINE_LEARNING,
  "microsoft.machinelearningservices/locations": MACHINE_LEARNING,
  "microsoft.network/privateendpoints": NETWORK,
  "microsoft.network/virtualnetworks": NETWORK,
  "microsoft.network/locations": NETWORK,
  "microsoft.network/privatednszones": PRIVATE_DNS,
  "microsoft.authorization/roleassignments": ROLE_ASSIGNMENTS,
  "microsoft.authorization/roledefinitions": ROLE_DEFINITIONS,
  "microsoft.consumption/budgets": CONSUMPTION,
  "microsoft.policyinsights/checkpolicyrestrictions": POLICY_RESTRICTIONS,
};

export function apiVersionsFor(namespaceAndType: string): readonly string[] | null {
  return BY_TYPE[namespaceAndType.toLowerCase()] ?? null;
}
