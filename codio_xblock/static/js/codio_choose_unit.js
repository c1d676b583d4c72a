/* Studio editor: "Choose a unit" opens the tool's unit picker (a deep linking launch) in a
 * new window. The tool answers the LMS (another origin than Studio's), which keeps the
 * choice and tells this editor through window.opener; the editor then asks Studio to apply
 * the choice to the block's draft (the block's apply_choice handler, which reads the choice
 * from the server, not from the message) and shows the new values in its fields, so that
 * Save keeps them. An editor that opens while a choice waits (its window was closed before
 * the message came) applies it at once. See docs/decisions/0011. */
(function () {
  "use strict";
  // every field a choice may set (codio_xblock/deep_linking.py _block_values; the custom
  // parameters are the author's merged with the tool's)
  var FIELDS = ["unit", "display_name", "tool", "launch_url", "description", "points_in_tool",
                "line_item_label", "line_item_resource_id", "line_item_tag", "launch_mode",
                "iframe_height", "custom_parameters"];
  var pickers = [];  // [{button, window}] of the pickers this page opened

  function editorOf(button) {
    return button.closest(".codio-unit-editor") || document;
  }

  function notice(button, text, isError) {
    var box = editorOf(button).querySelector(".codio-choice-notice");
    if (!box) { return; }
    box.textContent = text;
    box.className = "codio-choice-notice" + (isError ? " error" : "");
    box.hidden = !text;
  }

  function show(button, values) {
    var editor = editorOf(button);
    FIELDS.forEach(function (name) {
      if (!(name in values)) { return; }
      var input = editor.querySelector("#xb-field-edit-" + name);
      if (!input) { return; }
      input.value = values[name] === null ? "" : values[name];
      input.dispatchEvent(new Event("change", { bubbles: true }));
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function apply(button, key) {
    var request = new XMLHttpRequest();
    request.open("POST", button.getAttribute("data-apply-url"));
    request.setRequestHeader("Content-Type", "application/json");
    request.setRequestHeader("X-CSRFToken", csrfToken());
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.onload = function () {
      var answer = {};
      try { answer = JSON.parse(request.responseText); } catch (error) { answer = {}; }
      if (request.status === 200 && answer.values) {
        show(button, answer.values);
        var text = button.getAttribute("data-applied-text");
        notice(button, answer.warning ? text + " " + answer.warning : text, !!answer.warning);
        button.setAttribute("data-choice-pending", "");
        // the page around the editor (Studio) may show that the draft changed
        button.dispatchEvent(new CustomEvent("codio:choice-applied",
                                             { bubbles: true, detail: answer.values }));
      } else if (request.status !== 404) {
        // the block's own words when it refused the choice (apply_choice's JSON error)
        notice(button, typeof answer.error === "string" && answer.error ?
               answer.error : button.getAttribute("data-failed-text"), true);
      }
    };
    request.onerror = function () { notice(button, button.getAttribute("data-failed-text"), true); };
    request.send(JSON.stringify({ key: key || "" }));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".codio-choose-unit");
    if (!button) { return; }
    event.preventDefault();
    var picker = window.open(button.getAttribute("data-url"),
                             "codio-choose-unit-" + button.getAttribute("data-usage-id"),
                             "width=1000,height=800");
    pickers.push({ button: button, window: picker });
  });

  window.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data.type !== "codio-unit-chosen" || typeof data.usage_id !== "string") { return; }
    pickers.forEach(function (picker) {
      var button = picker.button;
      // the LMS's "done" page, in the window this button opened, for this block
      if (event.source !== picker.window) { return; }
      if (event.origin !== button.getAttribute("data-lms-origin")) { return; }
      if (data.usage_id !== button.getAttribute("data-usage-id")) { return; }
      apply(button, typeof data.key === "string" ? data.key : "");
    });
  });

  function applyPending() {
    var buttons = document.querySelectorAll(".codio-choose-unit[data-choice-pending='1']");
    Array.prototype.forEach.call(buttons, function (button) { apply(button, ""); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", applyPending);
  } else {
    applyPending();
  }
}());
