/** Built-in role definitions the simulator knows (docs role-based-access-control/built-in-roles.md). */

export interface BuiltInRole {
  id: string;
  roleName: string;
  description: string;
  actions: string[];
  notActions: string[];
  dataActions?: string[];
}

const ML = "Microsoft.MachineLearningServices";

export const BUILT_IN_ROLES: BuiltInRole[] = [
  {
    id: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    roleName: "Owner",
    description: "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
    actions: ["*"],
    notActions: [],
  },
  {
    id: "b24988ac-6180-42a0-ab88-20f7382dd24c",
    roleName: "Contributor",
    description:
      "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.",
    actions: ["*"],
    notActions: [
      "Microsoft.Authorization/*/Delete",
      "Microsoft.Authorization/*/Write",
      "Microsoft.Authorization/elevateAccess/Action",
      "Microsoft.Blueprint/blueprintAssignments/write",
      "Microsoft.Blueprint/blueprintAssignments/delete",
      "Microsoft.Compute/galleries/share/action",
      "Microsoft.Purview/consents/write",
      "Microsoft.Purview/consents/delete",
      "Microsoft.Resources/deploymentStacks/manageDenySetting/action",
      "Microsoft.Subscription/cancel/action",
      "Microsoft.Subscription/enable/action",
    ],
  },
  {
    id: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    roleName: "Reader",
    description: "View all resources, but does not allow you to make any changes.",
    actions: ["*/read"],
    notActions: [],
  },
  {
    id: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    roleName: "User Access Administrator",
    description: "Lets you manage user access to Azure resources.",
    actions: ["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"],
    notActions: [],
  },
  {
    id: "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
    roleName: "Role Based Access Control Administrator",
    description: "Manage access to Azure resources by assigning roles using Azure RBAC.",
    actions: [
      "Microsoft.Authorization/roleAssignments/write",
      "Microsoft.Authorization/roleAssignments/delete",
      "*/read",
      "Microsoft.Support/*",
    ],
    notActions: [],
  },
  {
    id: "f6c7c914-8db3-469d-8ca1-694a8f32e121",
    roleName: "AzureML Data Scientist",
    description:
      "Can perform all actions within an Azure Machine Learning workspace, except for creating or deleting compute resources and modifying the workspace itself.",
    actions: [
      `${ML}/workspaces/*/read`,
      `${ML}/workspaces/*/action`,
      `${ML}/workspaces/*/delete`,
      `${ML}/workspaces/*/write`,
    ],
    notActions: [
      `${ML}/workspaces/delete`,
      `${ML}/workspaces/write`,
      `${ML}/workspaces/computes/*/write`,
      `${ML}/workspaces/computes/*/delete`,
      `${ML}/workspaces/computes/listKeys/action`,
      `${ML}/workspaces/listKeys/action`,
      `${ML}/workspaces/hubs/write`,
      `${ML}/workspaces/hubs/delete`,
      `${ML}/workspaces/featurestores/write`,
      `${ML}/workspaces/featurestores/delete`,
    ],
  },
  {
    id: "e503ece1-11d0-4e8e-8e2c-7a6c3bf38815",
    roleName: "AzureML Compute Operator",
    description:
      "Can access and perform CRUD operations on Machine Learning Services managed compute resources (including Notebook VMs).",
    actions: [`${ML}/workspaces/computes/*`, `${ML}/workspaces/notebooks/vm/*`],
    notActions: [],
  },
  {
    id: "1823dd4f-9b8c-4ab6-ab4e-7397a3684615",
    roleName: "AzureML Registry User",
    description: "Allows for read, write and delete access to Azure Machine Learning registry assets.",
    actions: [`${ML}/registries/read`, `${ML}/registries/assets/*`],
    notActions: [],
  },
  {
    id: "635dd51f-9968-44d3-b7fb-6d9a6bd613ae",
    roleName: "AzureML Metrics Writer (preview)",
    description: "Lets you write metrics to AzureML workspace",
    actions: [],
    notActions: [],
    dataActions: [`${ML}/workspaces/metrics/*/write`],
  },
  {
    id: "b78c5d69-af96-48a3-bf8d-a8b4d589de94",
    roleName: "Azure AI Administrator",
    description: "A Built-In Role that has access to manage Azure AI resources.",
    actions: [`${ML}/workspaces/*`],
    notActions: [],
  },
  {
    id: "64702f94-c441-49e6-a78b-ef80e0188fee",
    roleName: "Azure AI Developer",
    description: "Can perform all actions within an Azure AI resource besides managing the resource itself.",
    actions: [
      `${ML}/workspaces/*/read`,
      `${ML}/workspaces/*/action`,
      `${ML}/workspaces/*/delete`,
      `${ML}/workspaces/*/write`,
    ],
    notActions: [`${ML}/workspaces/delete`, `${ML}/workspaces/write`],
  },
  {
    id: "b556d68e-0be0-4f35-a333-ad7ee1ce17ea",
    roleName: "Azure AI Enterprise Network Connection Approver",
    description: "Can approve private endpoint connections to Azure AI common dependency resources.",
    actions: ["*/read"],
    notActions: [],
  },
  {
    id: "3afb7f49-54cb-416e-8c09-6dc049efa503",
    roleName: "Azure AI Inference Deployment Operator",
    description: "Can perform all actions required to create a resource deployment within a resource group.",
    actions: [`${ML}/workspaces/onlineEndpoints/*`],
    notActions: [],
  },
  {
    id: "ea01e6af-a1c1-4350-9563-ad00f8c72ec5",
    roleName: "Azure Machine Learning Workspace Connection Secrets Reader",
    description: "Users with this role can read Machine Learning workspace connections secrets.",
    actions: [`${ML}/workspaces/connections/listsecrets/action`, `${ML}/workspaces/metadata/secrets/read`],
    notActions: [],
  },
];

export const BUILT_IN_BY_ID = new Map(BUILT_IN_ROLES.map((r) => [r.id, r]));
