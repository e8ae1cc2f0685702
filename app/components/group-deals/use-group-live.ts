import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";

/** What the group's room pushes (app/durable-objects/group-deal-room.ts RoomSnapshot). */
export interface LiveSnapshot {
  type: "state";
  groupId: string;
  status: "open" | "closing" | "succeeded" | "failed";
  paid: number;
  held: number;
  capacity: number;
  deadlineAt: number;
  reachedSize: number | null;
  finalUnitPriceFen: number | null;
}

export const PING_MS = 30_000;
export const POLL_MS = 10_000;

function isSnapshot(value: unknown, groupId: string): value is LiveSnapshot {
  const v = value as Partial<LiveSnapshot> | null;
  return !!v && v.type === "state" && v.groupId === groupId && typeof v.paid === "number" && typeof v.held === "number" && typeof v.status === "string";
}

/**
 * Live progress of a group on its page. Opens the room's WebSocket (`/groups/<id>/live`, ws: or
 * wss: as the page), keeps the latest snapshot, and asks Remix to reload the page's data whenever
 * the paid count or the status changes, so the members' avatars and the viewer's own charge and
 * refund follow. A "ping" every 30 s keeps the socket from idling out. If the socket cannot open
 * or closes, the page falls back to reloading its data every 10 s while the group is open; it also
 * does so while `awaitingRefund` (the viewer's refund is with the payment provider, which answers
 * later than the room).
 * Without JavaScript none of this runs: the page is a correct snapshot that a reload refreshes.
 */
export function useGroupLive(groupId: string, shown: { paid: number; status: string; awaitingRefund?: boolean }): { snapshot: LiveSnapshot | null; connected: boolean } {
  const closed = shown.status !== "open";
  const shownRef = useRef(shown);
  shownRef.current = shown;
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  const [snapshot, setSnapshot] = useState<LiveSnapshot | null>(null);
  const [connected, setConnected] = useState(false);
  const [polling, setPolling] = useState(false);

  useEffect(() => {
    if (typeof WebSocket === "undefined") {
      setPolling(true);
      return;
    }
    // What the page shows now: a first snapshot that differs (a payment between the page load and
    // the socket opening) reloads the page's data too.
    let last: { paid: number; status: string } = { paid: shownRef.current.paid, status: shownRef.current.status };
    let ping: ReturnType<typeof setInterval> | undefined;
    let stopped = false;
    const url = `${window.location.protocol === "https:" ? "wss:" : "ws:"}//${window.location.host}/groups/${groupId}/live`;
    let socket: WebSocket;
    try {
      socket = new WebSocket(url);
    } catch {
      setPolling(true);
      return;
    }
    socket.addEventListener("open", () => {
      setConnected(true);
      setPolling(false);
      ping = setInterval(() => {
        if (socket.readyState === WebSocket.OPEN) socket.send("ping");
      }, PING_MS);
    });
    socket.addEventListener("message", (event) => {
      if (typeof event.data !== "string" || event.data === "pong") return;
      let data: unknown;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      if (!isSnapshot(data, groupId)) return;
      setSnapshot(data);
      if (last.paid !== data.paid || last.status !== data.status) revalidate.current();
      last = { paid: data.paid, status: data.status };
    });
    const down = () => {
      clearInterval(ping);
      setConnected(false);
      if (!stopped) setPolling(true);
    };
    socket.addEventListener("close", down);
    socket.addEventListener("error", down);
    return () => {
      stopped = true;
      clearInterval(ping);
      socket.close(1000, "page left");
    };
  }, [groupId]);

  const refresh = (polling && !closed) || Boolean(shown.awaitingRefund);
  useEffect(() => {
    if (!refresh) return;
    const id = setInterval(() => {
      if (document.visibilityState === "visible") revalidate.current();
    }, POLL_MS);
    return () => clearInterval(id);
  }, [refresh]);

  return { snapshot, connected };
}
