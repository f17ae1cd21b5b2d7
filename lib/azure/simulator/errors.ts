/** ARM error responses: `{ error: { code, message, target, details } }` (common-types ErrorResponse). */

export interface ArmErrorDetail {
  code: string;
  message: string;
  target?: string | null;
  details?: ArmErrorDetail[];
  additionalInfo?: Array<{ type: string; info: Record<string, unknown> }>;
}

export class ArmError extends Error {
  readonly status: number;
  readonly code: string;
  readonly target: string | null;
  readonly details: ArmErrorDetail[];
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string,
    message: string,
    opts: { target?: string | null; details?: ArmErrorDetail[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.target = opts.target ?? null;
    this.details = opts.details ?? [];
    this.headers = opts.headers ?? {};
  }

  toBody(): { error: ArmErrorDetail } {
    return { error: { code: this.code, message: this.message, target: this.target, details: this.details } };
  }
}

export const notFound = (type: string, name: string, resourceGroup: string | null): ArmError =>
  new ArmError(
    404,
    "ResourceNotFound",
    resourceGroup
      ? `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`
      : `The Resource '${type}/${name}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );

export const resourceGroupNotFound = (name: string): ArmError =>
  new ArmError(404, "ResourceGroupNotFound", `Resource group '${name}' could not be found.`);

export const parentNotFound = (parentId: string): ArmError =>
  new ArmError(
    404,
    "ParentResourceNotFound",
    `Can not perform requested operation on nested resource. Parent resource '${parentId}' not found.`,
  );

export const invalidRequestContent = (message: string, target?: string): ArmError =>
  new ArmError(400, "InvalidRequestContent", message, { target });

export const locationRequired = (): ArmError =>
  new ArmError(400, "LocationRequired", "The location property is required for this definition.");
