// Ready: the flow is loaded and every node has been drawn and measured (tests and the benchmark wait for it).
import { useStore } from "@xyflow/react";
import { type MutableRefObject, useEffect, useRef, useState } from "react";
import type { FlowNode } from "../api/types";
import { loadSettings } from "./lazySettings";

/** `ready` once the canvas is drawn; `showMap` a moment later (the minimap is a second drawing of every node). */
export function useCanvasReady(nodeCount: number, nodesRef: MutableRefObject<FlowNode[]>, flowId: number) {
  // (React Flow's own flag is only computed when the nodes are handed over again, which measuring no longer does)
  const readyRef = useRef(false);
  const initialised = useStore((s) => {
    if (readyRef.current) return true;
    for (const node of s.nodeLookup.values()) if (!node.measured?.width || !node.measured?.height) return false;
    return s.nodeLookup.size > 0;
  });
  const [ready, setReady] = useState(false);
  // Once the canvas is drawn: the minimap, then the settings form's code.
  const [showMap, setShowMap] = useState(false);
  useEffect(() => {
    if (!ready) return;
    const map = setTimeout(() => setShowMap(true), 800);
    const settings = setTimeout(() => void loadSettings(), 1500);
    return () => {
      clearTimeout(map);
      clearTimeout(settings);
    };
  }, [ready]);
  useEffect(() => {
    if (ready) return;
    if (nodeCount === 0 || initialised) {
      readyRef.current = true;
      setReady(true);
      // The worked-out handle places served the first drawing; from now on React Flow keeps what it measures
      // (a node object copied later must not bring the guess back). In place: no node is rendered again for it.
      for (const node of nodesRef.current) delete node.handles;
      performance.mark("builder:ready");
      (window as unknown as { __builder: unknown }).__builder = { ready: true, nodeCount: nodesRef.current.length, flowId };
    }
  }, [ready, initialised, nodeCount, flowId, nodesRef]);
  return { ready, showMap };
}
