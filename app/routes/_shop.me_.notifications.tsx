import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { useActionData, useLoaderData, type ClientLoaderFunctionArgs } from "@remix-run/react";
import * as v from "valibot";
import { requireUser } from "~/auth/guards.server";
import { Inbox } from "~/components/notifications/inbox";
import { PushToggle } from "~/components/notifications/push-toggle";
import { registerConsoleMessages } from "~/i18n/console-messages";
import { translate, withMessagesInUse } from "~/i18n/i18n";
import { listInbox, markAllRead } from "~/modules/notifications/inbox.server";
import { pushToggleState } from "~/modules/notifications/push.server";
import { InboxQuery } from "~/modules/notifications/schemas";

// The notices' strings travel with the console's; this page brings them along.
registerConsoleMessages();

/** On a client-side navigation here, the current language's console strings come with the data. */
export const clientLoader = ({ serverLoader }: ClientLoaderFunctionArgs) => withMessagesInUse(serverLoader);

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "notices.title")} · ${translate(locale, "app.name")}` }];
};

/** The signed-in user's notices (every kind: orders, and leader or merchant ones for those roles), and push for this device. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const query = v.safeParse(InboxQuery, Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) throw new Response("Bad Request", { status: 400 });
  const page = await listInbox(context, user.id, { scope: "all", before: query.output.before });
  return { ...page, isFirstPage: !query.output.before, push: await pushToggleState(context) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context, request);
  const form = await request.formData();
  if (form.get("intent") !== "mark-all-read") return data({ markedRead: null, error: "intent_invalid" }, { status: 400 });
  return { markedRead: await markAllRead(context, user.id, "all"), error: null };
}

export default function ShopperNotifications() {
  const { items, unread, nextCursor, isFirstPage, push } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="p-4">
      <Inbox items={items} unread={unread} nextCursor={nextCursor} isFirstPage={isFirstPage} markedRead={actionData?.markedRead}>
        {push.shown ? <PushToggle publicKey={push.publicKey} /> : null}
      </Inbox>
    </div>
  );
}
