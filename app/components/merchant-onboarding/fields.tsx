import type { FieldMetadata } from "@conform-to/react";
import { Field, FieldErrors, FormErrors, useErrorText } from "~/components/ui/field";

/**
 * The shared field pieces for the onboarding, staff and marketing forms, whose error codes are
 * translated from `merchantOnboarding.errors.*` first, then the shared `validation.*`.
 */
const SCOPE = "merchantOnboarding.errors";

export function useOnboardingErrorText() {
  return useErrorText(SCOPE);
}

export function OnbErrors({ id, errors, summary = false }: { id: string; errors?: string[] | null; summary?: boolean }) {
  return summary ? <FormErrors id={id} errors={errors} errorScope={SCOPE} /> : <FieldErrors id={id} errors={errors} errorScope={SCOPE} />;
}

export function OnbField({ meta, ...rest }: { meta: FieldMetadata<unknown> } & Omit<React.ComponentProps<typeof Field>, "meta" | "errorScope">) {
  return <Field meta={meta as FieldMetadata<string | number | undefined>} errorScope={SCOPE} {...rest} />;
}
