// The flow's trace socket: every step of every run of the flow as it happens; reconnects when dropped.
import { useEffect, useRef, useState } from "react";
import type { TraceFrame } from "../api/types";

export type SocketState = "connecting" | "open" | "closed" | "refused";

export function useTraceSocket(flowId: number, onFrame: (frame: TraceFrame) => void): SocketState {
  const [state, setState] = useState<SocketState>("connecting");
  const handler = useRef(onFrame);
  handler.current = onFrame;

  useEffect(() => {
    let socket: WebSocket | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let delay = 1000;
    let stopped = false;
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/flows/${flowId}/traces/`;

    function connect() {
      setState("connecting");
      socket = new WebSocket(url);
      socket.onopen = () => {
        delay = 1000;
        setState("open");
      };
      socket.onmessage = (event) => {
        try {
          handler.current(JSON.parse(event.data as string) as TraceFrame);
        } catch {
          // a frame we cannot read is skipped; the stored run has it all
        }
      };
      socket.onclose = (event) => {
        socket = null;
        if (stopped) return;
        if (event.code === 4401 || event.code === 4403 || event.code === 4404) {
          setState("refused");
          return;
        }
        setState("closed");
        retry = setTimeout(connect, delay);
        delay = Math.min(delay * 2, 15000);
      };
    }

    connect();
    return () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      if (socket?.readyState === WebSocket.CONNECTING) {
        // closing a socket still connecting makes the browser log a warning: close it once it is open
        const pending = socket;
        pending.onopen = () => pending.close();
        pending.onmessage = null;
      } else {
        socket?.close();
      }
    };
  }, [flowId]);

  return state;
}
