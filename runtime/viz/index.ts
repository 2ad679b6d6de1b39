export { display, type Display, type DisplayHandle } from "./display.js";
export { progress, type ProgressBar, type ProgressOptions } from "./progress.js";
export { figure, plotlyBundle, describeFigure, PLOTLY_MIME, type Figure, type PlotlyFigure } from "./plotly.js";
export { input, interruptSignal } from "./input.js";
export { displayable, JUPYTER_DISPLAY, type MimeBundle } from "./kernel-bridge.js";
export { openComm, registerCommTarget } from "./comm.js";
export type { Comm } from "./kernel-bridge.js";
