/* Codio Unit: messages from the tool inside the frame (only our own frame may send them):
   - codio.openInNewWindow: the tool cannot keep its cookies in a frame;
   - lti.frameResize (Canvas's and Open edX's convention): fit the frame to the tool's page,
     between the frame's minimum and maximum height. */
/* A frame may ask before its block's JavaScript starts: keep the last height each frame
   asked for, and apply it once the block starts. */
var codioUnitHeights = window.codioUnitHeights || new WeakMap();
window.codioUnitHeights = codioUnitHeights;
if (!window.codioUnitListening) {
  window.codioUnitListening = true;
  window.addEventListener("message", function (event) {
    var data = event.data || {};
    if (typeof data === "string") {
      try { data = JSON.parse(data); } catch (e) { return; }
    }
    if (data && data.subject === "lti.frameResize" && event.source) {
      codioUnitHeights.set(event.source, data.height);
    }
  });
}

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
    if (typeof data === "string") {  // some tools send the message as JSON text
      try { data = JSON.parse(data); } catch (e) { return; }
    }
    if (data.subject === "codio.openInNewWindow") {
      window.open(frame.getAttribute("src"), "_blank", "noopener");
    } else if (data.subject === "lti.frameResize") {
      resize(data.height);
    }
  });
  function resize(value) {
    var height = Number(value);
    var lowest = Number(frame.getAttribute("data-min-height")) || 200;
    var highest = Number(frame.getAttribute("data-max-height")) || 3000;
    if (isFinite(height) && height > 0) {
      frame.style.height = Math.round(Math.min(Math.max(height, lowest), highest)) + "px";
    }
  }
  if (frame.contentWindow && codioUnitHeights.has(frame.contentWindow)) {
    resize(codioUnitHeights.get(frame.contentWindow));  // asked before the block started
  }
}
