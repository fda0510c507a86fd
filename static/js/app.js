// Starts the NHS.UK frontend components on every page: header menu, error summary focus, character
// counts, password show/hide, notification banners, scrolling tables and the rest.
//
// NHS.UK frontend 10 ships an ES module, so base.html loads this file with <script type="module"> and it
// imports initAll from the vendored build. initAll does nothing unless the inline script in base.html has
// marked <body> with nhsuk-frontend-supported (browsers without module support get the plain HTML).
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";

initAll();

// Print buttons: hidden in the HTML (they do nothing without JavaScript) and wired up here, because the
// Content-Security-Policy forbids inline event handlers.
for (const button of document.querySelectorAll("[data-app-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
