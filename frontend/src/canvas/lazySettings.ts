// The settings panel's code: the form library is most of the bundle, so it loads while the canvas draws, not before.
import { lazy } from "react";

export const loadSettings = () => import("../panels/SettingsPanel");
export const SettingsPanel = lazy(() => loadSettings().then((m) => ({ default: m.SettingsPanel })));
