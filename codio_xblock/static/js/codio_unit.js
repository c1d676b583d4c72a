/* Codio Unit: when the tool inside the frame cannot keep its cookies, it asks (by
   postMessage) to be opened in a new window; only our own frame may ask. */
function CodioUnitBlock(runtime, element) {
  "use strict";
  var root = element && element.jquery ? element[0] : element;
  var frame = root.querySelector("iframe.codio-unit__frame");
  if (!frame) {
    return;
  }
  window.addEventListener("message", function (event) {
    if (event.source !== frame.contentWindow) {
      return;
    }
    var data = event.data || {};
    if (data.subject === "codio.openInNewWindow") {
      window.open(frame.getAttribute("src"), "_blank", "noopener");
    }
  });
}
