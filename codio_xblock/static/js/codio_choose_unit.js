/* Studio editor: "Choose a unit" opens the tool's unit picker (a deep linking launch) in a
 * new window; when the platform has saved the choice, that window tells this editor, which
 * shows the new values in its fields (the block itself is already saved). */
(function () {
  "use strict";
  var FIELDS = ["unit", "display_name", "tool", "points_in_tool", "launch_mode",
                "iframe_height", "custom_parameters"];
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".codio-choose-unit");
    if (!button) { return; }
    event.preventDefault();
    window.open(button.getAttribute("data-url"), "codio-choose-unit", "width=1000,height=800");
  });
  window.addEventListener("message", function (event) {
    if (event.origin !== window.location.origin) { return; }
    var data = event.data || {};
    if (data.type !== "codio-unit-chosen" || !data.values) { return; }
    FIELDS.forEach(function (name) {
      if (!(name in data.values)) { return; }
      var input = document.getElementById("xb-field-edit-" + name);
      if (!input) { return; }
      input.value = data.values[name];
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
  });
}());
