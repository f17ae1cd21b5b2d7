/**
 * Azure naming rules (azure-docs resource-name-rules.md; RP specs where stricter) with the error codes the services
 * answer. ARM compares names case-insensitively; uniqueness scopes are enforced by the handlers.
 */
import { ArmError } from "./errors";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// ARM rejects these in any resource name before the request reaches a resource provider.
const ARM_FORBIDDEN = /[<>*%&:\\?/#|\u0000-\u001f]/;

export const isGuid = (value: string): boolean => GUID.test(value);

function invalidName(code: string, message: string, target = "name"): ArmError {
  return new ArmError(400, code, message, { target });
}

export function checkResourceGroupName(name: string): ArmError | null {
  if (name.length < 1 || name.length > 90 || !/^[-\w.()\p{L}\p{N}]+$/u.test(name) || name.endsWith(".")) {
    return invalidName(
      "InvalidResourceGroupName",
      `The resource group name '${name}' is invalid. Resource group names only allow up to 90 characters and can only include alphanumeric, underscore, parentheses, hyphen, period (except at end), and Unicode characters that match the allowed characters.`,
    );
  }
  return null;
}

export function checkStorageAccountName(name: string): ArmError | null {
  if (!/^[a-z0-9]{3,24}$/.test(name)) {
    return invalidName(
      "AccountNameInvalid",
      `${name} is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only.`,
    );
  }
  return null;
}

export function checkKeyVaultName(name: string): ArmError | null {
  if (!/^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/.test(name) || name.includes("--")) {
    return invalidName(
      "VaultNameNotValid",
      `The vault name '${name}' is invalid. A vault's name must be between 3-24 alphanumeric characters. The name must begin with a letter, end with a letter or digit, and not contain consecutive hyphens. Follow this link for more information: https://go.microsoft.com/fwlink/?linkid=2147742`,
    );
  }
  return null;
}

export function checkAppInsightsName(name: string): ArmError | null {
  if (name.length < 1 || name.length > 255 || /[%&\\?/\u0000-\u001f]/.test(name) || /[ .]$/.test(name)) {
    return invalidName(
      "InvalidResourceName",
      `The resource name '${name}' is invalid. Application Insights component names are 1-255 characters, can't contain '%&\\?/' or control characters and can't end with a space or period.`,
    );
  }
  return null;
}

/** Spec pattern of 2024-04-01 (also enforced client-side by arm-machinelearning 3.x). */
export function checkWorkspaceName(name: string): ArmError | null {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/.test(name)) {
    return invalidName(
      "ValidationError",
      `Workspace name '${name}' is invalid. It must be 3-33 characters long, start with a letter or digit and contain only letters, digits, hyphens and underscores.`,
    );
  }
  return null;
}

/**
 * Compute names: 2-16 characters (resource-name-rules), letters, digits and hyphens, starting with a letter; compute
 * instances: at least 3 characters and every hyphen must be followed by at least one letter later in the name.
 */
export function checkComputeName(name: string, computeType: string | undefined): ArmError | null {
  const isInstance = (computeType ?? "").toLowerCase() === "computeinstance";
  const min = isInstance ? 3 : 2;
  const basic = name.length >= min && name.length <= 16 && /^[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]$/.test(name);
  const hyphensOk = !isInstance || /^[a-zA-Z](?:[a-zA-Z0-9]|-(?=.*[a-zA-Z]))*$/.test(name);
  if (!basic || !hyphensOk) {
    return invalidName(
      "ValidationError",
      `Compute name '${name}' is invalid. It can include letters, digits and hyphens, must start with a letter, end with a letter or digit, be between ${min} and 16 characters long${isInstance ? " and every hyphen must be followed by at least one letter" : ""}.`,
    );
  }
  return null;
}

export function checkConnectionName(name: string): ArmError | null {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/.test(name)) {
    return invalidName(
      "ValidationError",
      `Connection name '${name}' is invalid. It must match ^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$.`,
    );
  }
  return null;
}

/** Network RP rule shared by private endpoints and their children (PE: 2-64 per resource-name-rules). */
export function checkNetworkName(name: string, max = 64, min = 2): ArmError | null {
  if (name.length < min || name.length > max || !/^[a-zA-Z0-9](?:[\w.-]*\w)?$/.test(name)) {
    return invalidName(
      "InvalidResourceName",
      `Resource name ${name} is invalid. The name can be up to ${max} characters long. It must begin with a word character, and it must end with a word character or with '_'. The name may contain word characters or '.', '-', '_'.`,
    );
  }
  return null;
}

export function checkRoleAssignmentName(name: string): ArmError | null {
  return isGuid(name)
    ? null
    : invalidName(
        "InvalidRoleAssignmentId",
        `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`,
      );
}

export function checkRoleDefinitionName(name: string): ArmError | null {
  return isGuid(name)
    ? null
    : invalidName(
        "InvalidRoleDefinitionId",
        `The role definition ID '${name}' is not valid. The role definition ID must be a GUID.`,
      );
}

/** Generic ARM name check applied to every resource name before the type's own rule. */
export function checkArmName(name: string): ArmError | null {
  if (name.length === 0 || ARM_FORBIDDEN.test(name)) {
    return invalidName("InvalidResourceName", `The resource name '${name}' is invalid.`);
  }
  return null;
}
