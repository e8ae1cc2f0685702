import { Form } from "@remix-run/react";
import type { ReactNode } from "react";

/**
 * Approve / reject-with-a-reason for one item of an admin review queue (merchant applications,
 * leader applications): two plain forms posting `intent` plus the item's id under `idField`. The
 * caller gives the texts and renders the reason's error (`reasonError`, with id `reason-<id>-error`).
 */
export function ReviewDecision({
  idField,
  id,
  busy,
  reasonInvalid,
  reasonError,
  text,
}: {
  idField: string;
  id: string;
  busy: boolean;
  reasonInvalid: boolean;
  reasonError: ReactNode;
  text: { approve: string; approveLabel: string; reason: string; reasonHint: string; reject: string };
}) {
  return (
    <div className="flex flex-col gap-3 lg:flex-row lg:items-start">
      <Form method="post">
        <input type="hidden" name="intent" value="approve" />
        <input type="hidden" name={idField} value={id} />
        <button type="submit" className="btn-primary" disabled={busy} aria-label={text.approveLabel}>
          {text.approve}
        </button>
      </Form>
      <Form method="post" className="flex flex-1 flex-col gap-2">
        <input type="hidden" name="intent" value="reject" />
        <input type="hidden" name={idField} value={id} />
        <label htmlFor={`reason-${id}`} className="field-label">
          {text.reason}
        </label>
        <textarea
          id={`reason-${id}`}
          name="reason"
          rows={2}
          required
          minLength={2}
          maxLength={200}
          className="field-input py-2"
          aria-invalid={reasonInvalid ? true : undefined}
          aria-describedby={`reason-${id}-hint${reasonInvalid ? ` reason-${id}-error` : ""}`}
        />
        <p id={`reason-${id}-hint`} className="text-sm text-muted">
          {text.reasonHint}
        </p>
        {reasonError}
        <button type="submit" className="btn-secondary self-start" disabled={busy}>
          {text.reject}
        </button>
      </Form>
    </div>
  );
}
