/** Fault injection by rate (seeded PRNG, so a seed replays the same faults) or by script ("the next N matching"). */
import { ArmError } from "./errors";
import { createPrng } from "./prng";
import type { SimResponse } from "./provider";
import type { FaultKind, FaultOptions, FaultRule } from "./types";

interface ActiveRule {
  rule: FaultRule;
  pattern: RegExp | null;
  remaining: number | null;
}

const WRITE_METHODS = new Set(["PUT", "PATCH", "POST"]);
const READ_METHODS = new Set(["GET", "HEAD"]);

function methodMatches(ruleMethod: string | undefined, method: string): boolean {
  if (!ruleMethod) return true;
  const m = ruleMethod.toUpperCase();
  if (m === "WRITE") return WRITE_METHODS.has(method);
  if (m === "READ") return READ_METHODS.has(method);
  return m === method;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];
  private random: () => number = Math.random;
  private options: FaultOptions = {};

  constructor(
    options: FaultOptions | undefined,
    private readonly defaultSeed: number,
  ) {
    this.set(options ?? {});
  }

  set(options: FaultOptions): void {
    for (const rule of options.rules ?? []) {
      if (rule.pathPattern) new RegExp(rule.pathPattern, "i");
    }
    this.options = options;
    this.random = createPrng(options.seed ?? this.defaultSeed);
    this.rules = (options.rules ?? []).map((rule) => ({
      rule,
      pattern: rule.pathPattern ? new RegExp(rule.pathPattern, "i") : null,
      remaining: rule.count ?? null,
    }));
  }

  get(): FaultOptions & { remaining: Array<number | null> } {
    return { ...this.options, remaining: this.rules.map((r) => r.remaining) };
  }

  /**
   * The first matching rule that fires for this request, consuming one count. `kinds` restricts which rules may fire
   * (e.g. principal-not-found is only consulted by the role assignment handler).
   */
  take(method: string, path: string, kinds: ReadonlySet<FaultKind>): FaultRule | null {
    for (const active of this.rules) {
      const { rule } = active;
      if (!kinds.has(rule.kind)) continue;
      if (!methodMatches(rule.method, method)) continue;
      if (active.pattern && !active.pattern.test(path)) continue;
      if (active.remaining !== null) {
        if (active.remaining <= 0) continue;
        if (rule.rate !== undefined && this.random() >= rule.rate) continue;
        active.remaining -= 1;
        return rule;
      }
      if (rule.rate !== undefined && this.random() < rule.rate) return rule;
      if (rule.rate === undefined) return rule;
    }
    return null;
  }
}

export const TRANSPORT_FAULTS: ReadonlySet<FaultKind> = new Set([
  "throttle",
  "throttle-no-retry-after",
  "internal-error",
  "service-unavailable",
  "connection-reset",
  "hang",
]);
export const LRO_FAULTS: ReadonlySet<FaultKind> = new Set(["lro-failed"]);
export const PRINCIPAL_FAULTS: ReadonlySet<FaultKind> = new Set(["principal-not-found"]);

/** The response a transport-level fault gives instead of the real one. */
export function transportFaultResponse(rule: FaultRule): SimResponse {
  switch (rule.kind) {
    case "throttle": {
      const e = new ArmError(
        429,
        "SubscriptionRequestsThrottled",
        "Number of requests for subscription exceeded the limit (injected fault). Please try again later.",
      );
      return {
        status: 429,
        body: e.toBody(),
        headers: { "Retry-After": String(rule.retryAfterSeconds ?? 1) },
        fault: rule.kind,
      };
    }
    case "throttle-no-retry-after": {
      const e = new ArmError(
        429,
        "SubscriptionRequestsThrottled",
        "Number of requests for subscription exceeded the limit (injected fault).",
      );
      return { status: 429, body: e.toBody(), fault: rule.kind };
    }
    case "internal-error":
      return {
        status: 500,
        body: new ArmError(500, "InternalServerError", "Encountered internal server error (injected fault).").toBody(),
        fault: rule.kind,
      };
    case "service-unavailable":
      return {
        status: 503,
        body: new ArmError(
          503,
          "ServiceUnavailable",
          "The service is temporarily unavailable (injected fault).",
        ).toBody(),
        fault: rule.kind,
      };
    case "connection-reset":
      return { status: 0, transport: "reset", fault: rule.kind };
    default:
      return { status: 0, transport: "hang", fault: rule.kind };
  }
}
