import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { applyHandoverToList, newerList, retryDelayMs, withQueueApplied, type PickupList, type QueuedHandover } from "~/modules/leaders/handover";
import {
  bumpAttempts,
  dismissConflict,
  enqueue,
  fetchPickupList,
  loadStored,
  markRefused,
  markSynced,
  readQueue,
  saveList,
  sendHandover,
  type SendResult,
  type SyncConflict,
  type SyncedHandover,
} from "./handover-store";

/** Hand-overs on their way to the server right now (shared by every hook instance in this tab). */
const inFlight = new Set<string>();
/** While the queue is not empty and the device is online, try again this often at the least. */
const SYNC_INTERVAL_MS = 20_000;
/** How often an open page fetches the list again. */
const LIST_REFRESH_MS = 5 * 60_000;

/**
 * The hand-over page's state: the newest pickup list (server or device copy) with the synced and
 * queued hand-overs applied, the offline queue, the conflicts found at sync, and the sync loop
 * (on load, when the connection returns, and on a timer while something waits).
 */
export function useHandover(pointName: string, serverList: PickupList) {
  const pointId = serverList.pickupPointId;
  const [base, setBase] = useState<PickupList>(serverList);
  const [queue, setQueue] = useState<QueuedHandover[]>([]);
  const [synced, setSynced] = useState<SyncedHandover[]>([]);
  const [conflicts, setConflicts] = useState<SyncConflict[]>([]);
  const [online, setOnline] = useState(true);
  const [syncing, setSyncing] = useState(false);
  const [signedOut, setSignedOut] = useState(false);
  const syncingRef = useRef(false);
  const retryTimer = useRef<ReturnType<typeof setTimeout>>();

  const refresh = useCallback(async () => {
    const stored = await loadStored(pointId);
    setBase((b) => newerList(b, stored.list) ?? b);
    setQueue(stored.queue);
    setSynced(stored.synced);
    setConflicts(stored.conflicts);
  }, [pointId]);

  // Every list the server sends is kept on the device (the newer copy wins).
  useEffect(() => {
    setBase((b) => newerList(b, serverList) ?? serverList);
    void saveList(pointName, serverList);
  }, [pointName, serverList]);

  const syncNow = useCallback(async () => {
    if (syncingRef.current || !navigator.onLine) return;
    syncingRef.current = true;
    setSyncing(true);
    clearTimeout(retryTimer.current);
    try {
      for (const item of await readQueue(pointId)) {
        if (inFlight.has(item.clientRef)) continue;
        inFlight.add(item.clientRef);
        let result: SendResult;
        try {
          result = await sendHandover(item);
        } finally {
          inFlight.delete(item.clientRef);
        }
        if (result.kind === "done") await markSynced(pointId, item);
        else if (result.kind === "refused") await markRefused(pointId, item, result.refusal, true);
        else {
          if (result.kind === "signed_out") setSignedOut(true);
          else await bumpAttempts(pointId, item.clientRef);
          retryTimer.current = setTimeout(() => void syncNow(), retryDelayMs(item.attempts + 1));
          break;
        }
        if (result.kind === "done") setSignedOut(false);
      }
    } finally {
      syncingRef.current = false;
      setSyncing(false);
      await refresh();
    }
  }, [pointId, refresh]);

  useEffect(() => {
    setOnline(navigator.onLine);
    const goOnline = () => {
      setOnline(true);
      void syncNow();
    };
    const goOffline = () => setOnline(false);
    const visible = () => {
      if (document.visibilityState === "visible") void syncNow();
    };
    window.addEventListener("online", goOnline);
    window.addEventListener("offline", goOffline);
    document.addEventListener("visibilitychange", visible);
    void refresh().then(() => syncNow());
    return () => {
      window.removeEventListener("online", goOnline);
      window.removeEventListener("offline", goOffline);
      document.removeEventListener("visibilitychange", visible);
      clearTimeout(retryTimer.current);
    };
  }, [refresh, syncNow]);

  // The page stays open all day: the list is fetched again (JSON, this route's data only) when the
  // phone comes back online or to the page, and every few minutes, so new arrivals are in it
  // before the connection next drops. A failure just keeps the list there is.
  // It is also fetched once when the page opens: the page may come from the service worker's copy,
  // and the answer (or its absence) says whether the server can be reached. `navigator.onLine`
  // only knows about the device's own link, so a phone on a dead connection (or a cold start
  // without one) still shows the offline banner.
  useEffect(() => {
    const refreshList = async () => {
      if (!navigator.onLine || document.visibilityState !== "visible") return;
      const fresh = await fetchPickupList();
      if (fresh === "unreachable") return setOnline(false);
      setOnline(navigator.onLine);
      if (!fresh || fresh.pickupPointId !== pointId) return;
      setBase((b) => newerList(b, fresh) ?? fresh);
      await saveList(pointName, fresh);
    };
    void refreshList();
    const id = setInterval(() => void refreshList(), LIST_REFRESH_MS);
    const onEvent = () => void refreshList();
    window.addEventListener("online", onEvent);
    document.addEventListener("visibilitychange", onEvent);
    return () => {
      clearInterval(id);
      window.removeEventListener("online", onEvent);
      document.removeEventListener("visibilitychange", onEvent);
    };
  }, [pointId, pointName]);

  // A timer too: `online` events are not reliable on every phone.
  useEffect(() => {
    if (queue.length === 0) return;
    const id = setInterval(() => void syncNow(), SYNC_INTERVAL_MS);
    return () => clearInterval(id);
  }, [queue.length, syncNow]);

  const list = useMemo(() => withQueueApplied(synced.reduce((acc, s) => applyHandoverToList(acc, s), base), queue), [base, synced, queue]);

  /**
   * Confirms a hand-over: it goes to the device's queue first (so nothing is lost if the page
   * closes), shows in the list at once, and is sent at once when online (one POST).
   */
  const confirm = useCallback(
    async (item: QueuedHandover): Promise<SendResult | { kind: "queued" }> => {
      await enqueue(pointId, item);
      setQueue((q) => (q.some((x) => x.clientRef === item.clientRef) ? q : [...q, item]));
      if (!navigator.onLine) return { kind: "queued" };
      inFlight.add(item.clientRef);
      let result: SendResult;
      try {
        result = await sendHandover(item);
      } finally {
        inFlight.delete(item.clientRef);
      }
      if (result.kind === "done") await markSynced(pointId, item);
      // Refused while the leader watches: they see why on the screen, no need to report it later.
      else if (result.kind === "refused") await markRefused(pointId, item, result.refusal, false);
      else {
        if (result.kind === "signed_out") setSignedOut(true);
        retryTimer.current = setTimeout(() => void syncNow(), retryDelayMs(1));
      }
      await refresh();
      return result;
    },
    [pointId, refresh, syncNow],
  );

  const dismiss = useCallback(
    async (clientRef: string) => {
      await dismissConflict(pointId, clientRef);
      setConflicts((c) => c.filter((x) => x.clientRef !== clientRef));
    },
    [pointId],
  );

  return { list, queue, conflicts, online, syncing, signedOut, confirm, syncNow, dismiss };
}
