import Camera from "lucide-react/icons/camera";
import CameraOff from "lucide-react/icons/camera-off";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { parsePickupCode } from "~/modules/leaders/handover";

/** The part of the Barcode Detection API we use (not in TypeScript's DOM types yet). */
interface DetectorLike {
  detect(source: CanvasImageSource): Promise<Array<{ rawValue: string }>>;
}
type Decoder = (video: HTMLVideoElement) => Promise<string | null>;

type State = "starting" | "scanning" | "off" | "denied" | "no-camera" | "unsupported" | "failed";

/** Frames per second we try to decode: plenty for a code held still, light on a cheap phone. */
const DECODE_INTERVAL_MS = 150;
/** The same code read again this soon after it was handled is ignored (the customer is still holding it up). */
const SAME_CODE_PAUSE_MS = 4000;
/** jsQR reads a downscaled frame: fast enough on a cheap phone, and a pickup QR fills much of the frame. */
const JSQR_MAX_SIDE = 640;

async function makeDecoder(): Promise<Decoder> {
  const Native = (globalThis as { BarcodeDetector?: { new (o: { formats: string[] }): DetectorLike; getSupportedFormats?: () => Promise<string[]> } }).BarcodeDetector;
  if (Native) {
    try {
      const formats = (await Native.getSupportedFormats?.()) ?? ["qr_code"];
      if (formats.includes("qr_code")) {
        const detector = new Native({ formats: ["qr_code"] });
        return async (video) => (await detector.detect(video))[0]?.rawValue ?? null;
      }
    } catch {
      /* fall through to jsQR */
    }
  }
  // No native detector (e.g. Chromium on Linux, Firefox, older Safari): jsQR, fetched only now.
  const mod = await import("jsqr");
  const jsQR = ((mod as { default?: unknown }).default ?? mod) as typeof import("jsqr").default;
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  if (!context) throw new Error("no 2d canvas");
  return async (video) => {
    const { videoWidth: w, videoHeight: h } = video;
    if (!w || !h) return null;
    const scale = Math.min(1, JSQR_MAX_SIDE / Math.max(w, h));
    canvas.width = Math.round(w * scale);
    canvas.height = Math.round(h * scale);
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(image.data, image.width, image.height, { inversionAttempts: "attemptBoth" })?.data ?? null;
  };
}

/**
 * The camera, open at once, reading pickup QR codes (`TG-PICKUP:<8 digits>`) with the browser's
 * BarcodeDetector where there is one and jsQR otherwise. Reading pauses while `paused` (an order
 * is on screen); the camera stops when the page is hidden or the leader turns it off. The box
 * keeps its size in every state, so nothing below it moves.
 */
export function QrScanner({ paused, onCode }: { paused: boolean; onCode: (code: string) => void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<State>("starting");
  const [wanted, setWanted] = useState(true);
  const [foreign, setForeign] = useState(false);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const onCodeRef = useRef(onCode);
  onCodeRef.current = onCode;
  const last = useRef<{ code: string; at: number } | null>(null);

  const run = useCallback(async (signal: AbortSignal) => {
    if (!navigator.mediaDevices?.getUserMedia) return setState("unsupported");
    setState("starting");
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
    } catch (error) {
      const name = (error as DOMException)?.name;
      return setState(name === "NotAllowedError" || name === "SecurityError" ? "denied" : name === "NotFoundError" || name === "OverconstrainedError" ? "no-camera" : "failed");
    }
    const stop = () => stream.getTracks().forEach((track) => track.stop());
    if (signal.aborted) return stop();
    signal.addEventListener("abort", stop);
    const el = video.current;
    if (!el) return stop();
    el.srcObject = stream;
    try {
      await el.play();
    } catch {
      /* autoplay of a muted inline video is allowed; a refusal still shows the first frame */
    }
    let decode: Decoder;
    try {
      decode = await makeDecoder();
    } catch {
      stop();
      return setState("failed");
    }
    if (signal.aborted) return;
    setState("scanning");
    while (!signal.aborted) {
      await new Promise((r) => setTimeout(r, DECODE_INTERVAL_MS));
      if (signal.aborted || pausedRef.current || el.readyState < 2) continue;
      let text: string | null = null;
      try {
        text = await decode(el);
      } catch {
        continue;
      }
      if (!text) continue;
      const code = parsePickupCode(text);
      if (!code) {
        setForeign(true);
        continue;
      }
      setForeign(false);
      const now = Date.now();
      if (last.current && last.current.code === code && now - last.current.at < SAME_CODE_PAUSE_MS) continue;
      last.current = { code, at: now };
      onCodeRef.current(code);
    }
  }, []);

  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!wanted) {
      setState("off");
      return;
    }
    let controller = new AbortController();
    void run(controller.signal);
    // A hidden page gives the camera back (battery, and other apps); it opens again on return.
    const onVisibility = () => {
      if (document.visibilityState === "hidden") controller.abort();
      else if (controller.signal.aborted) {
        controller = new AbortController();
        void run(controller.signal);
      }
    };
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      document.removeEventListener("visibilitychange", onVisibility);
      controller.abort();
    };
  }, [wanted, attempt, run]);

  // Resuming after an order was handled: the same code may be read again after the pause.
  useEffect(() => {
    if (!paused && last.current) last.current = { ...last.current, at: Date.now() };
  }, [paused]);

  const running = state === "starting" || state === "scanning";
  const message =
    state === "starting"
      ? t("handover.scanner.starting")
      : state === "scanning"
        ? foreign
          ? t("handover.scanner.notPickup")
          : t("handover.scanner.scanning")
        : t(`handover.scanner.${state}`);
  return (
    <div className="space-y-2">
      {/* 4:3 while the camera opens or runs; a camera that cannot run leaves just its message. */}
      <div className={`relative w-full overflow-hidden rounded-2xl bg-ink ${running ? "aspect-[4/3]" : ""}`}>
        <video ref={video} className={`size-full object-cover ${state === "scanning" ? "" : "invisible absolute inset-0"}`} muted playsInline aria-hidden />
        {state === "scanning" ? <div aria-hidden className="pointer-events-none absolute inset-[15%] rounded-2xl border-4 border-white/80" /> : null}
        <p role="status" className={`${running ? "absolute inset-x-0 bottom-0 bg-black/60 p-2" : "p-4"} text-center text-sm text-white ${state === "scanning" && !foreign ? "" : "font-semibold"}`}>
          {message}
        </p>
      </div>
      {running ? (
        <button type="button" className="btn-secondary min-h-12 w-full" onClick={() => setWanted(false)}>
          <CameraOff aria-hidden className="size-5" />
          {t("handover.scanner.stop")}
        </button>
      ) : (
        <button
          type="button"
          className="btn-secondary min-h-12 w-full"
          onClick={() => {
            setWanted(true);
            setAttempt((n) => n + 1);
          }}
        >
          <Camera aria-hidden className="size-5" />
          {state === "off" ? t("handover.scanner.start") : t("handover.scanner.retry")}
        </button>
      )}
    </div>
  );
}
