import type { FieldMetadata } from "@conform-to/react";
import { Field, FieldErrors, FormErrors } from "~/components/ui/field";

/**
 * Field pieces of the leader application and review screens: error codes are translated from
 * `leaderApply.errors.*` first, then the shared `validation.*`.
 */
export const LEADER_ERROR_SCOPE = "leaderApply.errors";

export function LeaderErrors({ id, errors, summary = false }: { id: string; errors?: string[] | null; summary?: boolean }) {
  return summary ? <FormErrors id={id} errors={errors} errorScope={LEADER_ERROR_SCOPE} /> : <FieldErrors id={id} errors={errors} errorScope={LEADER_ERROR_SCOPE} />;
}

export function LeaderField({ meta, ...rest }: { meta: FieldMetadata<unknown> } & Omit<React.ComponentProps<typeof Field>, "meta" | "errorScope">) {
  return <Field meta={meta as FieldMetadata<string | number | undefined>} errorScope={LEADER_ERROR_SCOPE} {...rest} />;
}

export { formatDays, formatHours } from "~/modules/leaders/hours";
