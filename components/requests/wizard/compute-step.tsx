"use client";
// Compute instances, development clusters, production pipelines and the Git repository.
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { IDLE_SHUTDOWN_MAX, IDLE_SHUTDOWN_MIN } from "@/lib/requests/schemas";
import { described, idOf, type StepProps } from "./shared";

export function ComputeStep({ v, set, errors, options }: StepProps) {
  return (
    <div className="space-y-6">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          id={idOf("compute.instanceVmSize")}
          label="Compute instance VM size"
          hint="One personal instance per data scientist, in dev."
          errors={errors["compute.instanceVmSize"]}
        >
          <Select
            {...described("compute.instanceVmSize", errors, true)}
            value={v.compute?.instanceVmSize ?? ""}
            onChange={(e) => set({ compute: { ...v.compute, instanceVmSize: e.target.value } })}
          >
            {options.vmSizes.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name} ({s.vcpus} vCPU, {s.memoryGb} GB{s.gpu ? ", GPU" : ""}) ${s.hourlyPriceUsd.toFixed(3)}/h
              </option>
            ))}
          </Select>
        </Field>
        <Field
          id={idOf("compute.idleShutdownMinutes")}
          label="Idle shutdown (minutes)"
          hint={`Instances stop after this much idle time (${IDLE_SHUTDOWN_MIN}–${IDLE_SHUTDOWN_MAX}).`}
          errors={errors["compute.idleShutdownMinutes"]}
        >
          <Input
            {...described("compute.idleShutdownMinutes", errors, true)}
            type="number"
            inputMode="numeric"
            min={IDLE_SHUTDOWN_MIN}
            max={IDLE_SHUTDOWN_MAX}
            value={v.compute?.idleShutdownMinutes ?? ""}
            onChange={(e) => set({ compute: { ...v.compute, idleShutdownMinutes: e.target.value } })}
          />
        </Field>
      </div>

      <section aria-labelledby="dev-clusters-heading" className="space-y-3">
        <h2 id="dev-clusters-heading" className="text-sm font-semibold text-slate-900">
          Development clusters (dev, shared, scale to 0)
        </h2>
        {(v.compute?.devClusters ?? []).map((c, i) => (
          <fieldset
            key={i}
            className="grid gap-3 rounded-md p-3 ring-1 ring-slate-200 sm:grid-cols-[1fr_10rem_auto] sm:items-start"
          >
            <legend className="sr-only">Cluster {i + 1}</legend>
            <Field
              id={idOf(`compute.devClusters.${i}.vmSize`)}
              label={`Cluster ${i + 1} VM size`}
              errors={errors[`compute.devClusters.${i}.vmSize`]}
            >
              <Select
                {...described(`compute.devClusters.${i}.vmSize`, errors)}
                value={c.vmSize}
                onChange={(e) =>
                  set({
                    compute: {
                      ...v.compute,
                      devClusters: (v.compute?.devClusters ?? []).map((x, j) =>
                        j === i ? { ...x, vmSize: e.target.value } : x,
                      ),
                    },
                  })
                }
              >
                {options.vmSizes.map((s) => (
                  <option key={s.name} value={s.name}>
                    {s.name}
                  </option>
                ))}
              </Select>
            </Field>
            <Field
              id={idOf(`compute.devClusters.${i}.maxNodes`)}
              label={`Cluster ${i + 1} max nodes`}
              errors={errors[`compute.devClusters.${i}.maxNodes`]}
            >
              <Input
                {...described(`compute.devClusters.${i}.maxNodes`, errors)}
                type="number"
                inputMode="numeric"
                min={1}
                value={c.maxNodes}
                onChange={(e) =>
                  set({
                    compute: {
                      ...v.compute,
                      devClusters: (v.compute?.devClusters ?? []).map((x, j) =>
                        j === i ? { ...x, maxNodes: e.target.value } : x,
                      ),
                    },
                  })
                }
              />
            </Field>
            <Button
              type="button"
              variant="ghost"
              className="sm:mt-6"
              aria-label={`Remove cluster ${i + 1}`}
              onClick={() =>
                set({
                  compute: { ...v.compute, devClusters: (v.compute?.devClusters ?? []).filter((_, j) => j !== i) },
                })
              }
            >
              Remove
            </Button>
          </fieldset>
        ))}
        <Button
          type="button"
          variant="secondary"
          onClick={() =>
            set({
              compute: {
                ...v.compute,
                devClusters: [
                  ...(v.compute?.devClusters ?? []),
                  { vmSize: options.vmSizes[0]?.name ?? "", maxNodes: 2 },
                ],
              },
            })
          }
        >
          Add cluster
        </Button>
      </section>

      <section aria-labelledby="pipelines-heading" className="space-y-3">
        <h2 id="pipelines-heading" className="text-sm font-semibold text-slate-900">
          Production pipelines (one cluster each in test and prod)
        </h2>
        {(v.compute?.pipelines ?? []).map((p, i) => (
          <div key={i} className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-start">
            <Field
              id={idOf(`compute.pipelines.${i}`)}
              label={`Pipeline ${i + 1} name`}
              errors={errors[`compute.pipelines.${i}`]}
            >
              <Input
                {...described(`compute.pipelines.${i}`, errors)}
                value={p}
                onChange={(e) =>
                  set({
                    compute: {
                      ...v.compute,
                      pipelines: (v.compute?.pipelines ?? []).map((x, j) => (j === i ? e.target.value : x)),
                    },
                  })
                }
              />
            </Field>
            <Button
              type="button"
              variant="ghost"
              className="sm:mt-6"
              aria-label={`Remove pipeline ${i + 1}`}
              onClick={() =>
                set({
                  compute: { ...v.compute, pipelines: (v.compute?.pipelines ?? []).filter((_, j) => j !== i) },
                })
              }
            >
              Remove
            </Button>
          </div>
        ))}
        <Button
          type="button"
          variant="secondary"
          onClick={() => set({ compute: { ...v.compute, pipelines: [...(v.compute?.pipelines ?? []), ""] } })}
        >
          Add pipeline
        </Button>
      </section>

      <Field
        id={idOf("gitRepositoryUrl")}
        label="Git repository (optional)"
        hint="An https URL; recorded as a Git connection on every workspace."
        errors={errors.gitRepositoryUrl}
      >
        <Input
          {...described("gitRepositoryUrl", errors, true)}
          type="url"
          value={v.gitRepositoryUrl ?? ""}
          onChange={(e) => set({ gitRepositoryUrl: e.target.value })}
        />
      </Field>
    </div>
  );
}
