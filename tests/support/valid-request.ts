/** A valid wizard/CLI request: the e2e journey (private, restricted, project, dev+test+prod, two data scientists, one MLOps engineer). */
export const VALID_REQUEST = {
  pattern: "project",
  team: "fraud",
  project: "churn",
  environments: ["dev", "test", "prod"],
  visibility: "private",
  restriction: "restricted",
  region: "westeurope",
  members: [
    { email: "alice@contoso.com", role: "dataScientist" },
    { email: "bob@contoso.com", role: "dataScientist" },
    { email: "mo@contoso.com", role: "mlops" },
  ],
  compute: {
    instanceVmSize: "Standard_DS3_v2",
    idleShutdownMinutes: 60,
    devClusters: [{ vmSize: "Standard_DS11_v2", maxNodes: 4 }],
    pipelines: ["scoring"],
  },
  gitRepositoryUrl: "https://github.com/contoso/churn-model",
  costCenter: "CC-1001",
  justification: "Churn prediction for the retail bank, replacing the 2019 model.",
};
