/**
 * SMS and email delivery behind one interface. Providers:
 * - `outbox`: writes to the outbox_messages table; the dev outbox page (/dev/outbox) shows it.
 *   Refused in production by env validation.
 * - `webhook`: POSTs JSON to SMS_WEBHOOK_URL / EMAIL_WEBHOOK_URL, signed with HMAC-SHA-256 of the
 *   body (header `X-Signature: sha256=<hex>`) using MESSAGE_WEBHOOK_SECRET — the seam for a real
 *   SMS gateway or mail service.
 */
import type { AppContext } from "~/context.server";
import { outboxMessages } from "~/db/schema";
import { newId } from "~/lib/ids";
import { toHex } from "~/lib/encoding";

export interface OutgoingMessage {
  channel: "sms" | "email";
  to: string;
  subject?: string;
  body: string;
}

export interface MessageProvider {
  send(ctx: AppContext, message: OutgoingMessage): Promise<void>;
}

const outboxProvider: MessageProvider = {
  async send(ctx, m) {
    await ctx.db.insert(outboxMessages).values({
      id: newId("out"),
      channel: m.channel,
      recipient: m.to,
      subject: m.subject ?? null,
      body: m.body,
      createdAt: Date.now(),
    });
  },
};

function webhookProvider(url: string | undefined, secret: string | undefined): MessageProvider {
  return {
    async send(_ctx, m) {
      if (!url || !secret) throw new Error(`${m.channel} webhook is not configured`);
      const body = JSON.stringify({ channel: m.channel, to: m.to, subject: m.subject, body: m.body, sentAt: Date.now() });
      const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
        "sign",
      ]);
      const sig = toHex(new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body))));
      const res = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Signature": `sha256=${sig}` },
        body,
      });
      if (!res.ok) throw new Error(`${m.channel} webhook answered ${res.status}`);
    },
  };
}

export function getMessageProvider(ctx: AppContext, channel: "sms" | "email"): MessageProvider {
  const kind = channel === "sms" ? ctx.env.SMS_PROVIDER : ctx.env.EMAIL_PROVIDER;
  if (kind === "webhook") {
    const url = channel === "sms" ? ctx.env.SMS_WEBHOOK_URL : ctx.env.EMAIL_WEBHOOK_URL;
    return webhookProvider(url, ctx.env.MESSAGE_WEBHOOK_SECRET);
  }
  return outboxProvider;
}

export function sendMessage(ctx: AppContext, message: OutgoingMessage): Promise<void> {
  return getMessageProvider(ctx, message.channel).send(ctx, message);
}
