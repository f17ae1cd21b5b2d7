/** ARM error responses: `{ error: { code, message, target, details } }` (common-types ErrorResponse). */
import type { SimRequest } from "./provider";

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

export const locationRequired = (): ArmError =>
  new ArmError(400, "LocationRequired", "The location property is required for this definition.");

export const noRoute = (req: SimRequest): ArmError =>
  new ArmError(404, "NotFound", `No HTTP resource was found that matches the request URI '${req.baseUrl}${req.path}'.`);

export const methodNotAllowed = (req: SimRequest): ArmError =>
  new ArmError(405, "MethodNotAllowed", `The requested resource does not support http method '${req.method}'.`);

export const unknownType = (ns: string, type: string, req: SimRequest): ArmError =>
  new ArmError(
    400,
    "InvalidResourceType",
    `The resource type '${type}' could not be found in the namespace '${ns}' for api version '${req.query["api-version"] ?? ""}'.`,
  );
