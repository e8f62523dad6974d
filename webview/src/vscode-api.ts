// The webview side of the one protocol: typed postMessage and persisted state.
import type { FromWebview, MapControls } from "../../server/src/protocol";

export interface MapState {
  object?: string;
  controls?: MapControls;
  /** Index into the report's results (which simulated load is shown). */
  load?: number;
  zoom?: number;
  /** Key of the selected row/element: "section:<index>", "reloc:<rel>:<i>", "symbol:<name>". */
  selection?: string;
  tab?: string;
  filter?: string;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post(message: FromWebview): void {
  api.postMessage(message);
}

export function loadState(): MapState {
  return (api.getState() as MapState | undefined) ?? {};
}

export function saveState(patch: Partial<MapState>): MapState {
  const next = { ...loadState(), ...patch };
  api.setState(next);
  return next;
}
