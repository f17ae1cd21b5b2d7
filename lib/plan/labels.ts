import type { StepKind } from "@/lib/plan/types";

/** How each kind of plan step is named to people (plan tables, provisioning progress). */
export const STEP_KIND_LABELS: Record<StepKind, string> = {
  resourceGroup: "Resource group",
  storageAccount: "Storage account",
  keyVault: "Key vault",
  applicationInsights: "Application Insights",
  workspace: "Azure ML workspace",
  privateEndpoint: "Private endpoint",
  privateDnsZoneGroup: "Private DNS zone group",
  roleDefinition: "Custom role",
  roleAssignment: "Role assignment",
  computeInstance: "Compute instance",
  computeCluster: "Compute cluster",
  gitConnection: "Git connection",
  budget: "Budget",
};
