import { eq } from "drizzle-orm";
import { createDb } from "~/db/client.server";
import { groupDeals } from "~/db/schema";
import type { Env } from "~/env.server";
import { roomFor, roomMeta } from "./groups.server";

/** `/groups/<id>/live`: the group page's WebSocket for live progress. */
export const GROUP_LIVE_PATH = /^\/groups\/(grp_[0-9a-z]{20})\/live$/;

/**
 * Hands a viewer's WebSocket to the group's room, which sends the state at once and on every
 * change (join, payment, close). Anyone with the link may watch, like the page itself: the room
 * sends counts, never who the members are. Cross-site upgrades are refused (the Origin must be
 * this site), as for every other request.
 */
export async function groupLiveSocket(env: Env, groupId: string, request: Request): Promise<Response> {
  const origin = request.headers.get("Origin");
  if (origin && origin !== new URL(request.url).origin) return new Response("Cross-site WebSocket refused", { status: 403 });
  const group = await createDb(env.DB).query.groupDeals.findFirst({ where: eq(groupDeals.id, groupId) });
  if (!group) return new Response("Not found", { status: 404 });
  const headers = new Headers(request.headers);
  headers.set("X-Room-Meta", JSON.stringify(roomMeta(group)));
  return roomFor({ env }, groupId).fetch(new Request(request.url, { headers }));
}
