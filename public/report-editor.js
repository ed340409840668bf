// The report's editor: nothing typed is lost on a slip of the finger.
// Every change is kept in this tab's sessionStorage (the browser's own
// memory for this tab, never sent anywhere) until the form is posted; a
// page opened again offers what was typed when it differs from the saved
// draft; leaving with unsaved changes asks first. Without this script the
// form still saves and signs.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  var key = "report:" + location.pathname + ":v" + form.getAttribute("data-version") +
    ":" + (form.getAttribute("data-saved-at") || "new");
  var fields = Array.prototype.filter.call(form.elements, function (element) {
    return (element.tagName === "TEXTAREA" || element.type === "text" || element.tagName === "SELECT") &&
      element.name && element.name !== "code";
  });
  var changed = false;
  var posting = false;
  // What was kept for an earlier saved draft of this report is done with.
  var prefix = "report:" + location.pathname + ":";
  for (var i = sessionStorage.length - 1; i >= 0; i--) {
    var other = sessionStorage.key(i);
    if (other && other.indexOf(prefix) === 0 && other !== key) sessionStorage.removeItem(other);
  }

  function values() {
    var kept = {};
    fields.forEach(function (field) { kept[field.name] = field.value; });
    return kept;
  }

  var stored = null;
  try { stored = JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { stored = null; }
  if (stored) {
    var differs = fields.some(function (field) {
      return Object.prototype.hasOwnProperty.call(stored, field.name) && stored[field.name] !== field.value;
    });
    var banner = document.getElementById("report-restore");
    if (differs && banner) {
      banner.hidden = false;
      document.getElementById("report-restore-button").addEventListener("click", function () {
        fields.forEach(function (field) {
          if (Object.prototype.hasOwnProperty.call(stored, field.name)) field.value = stored[field.name];
        });
        changed = true;
        banner.hidden = true;
      });
      document.getElementById("report-restore-dismiss").addEventListener("click", function () {
        sessionStorage.removeItem(key);
        banner.hidden = true;
      });
    }
  }

  form.addEventListener("input", function (event) {
    if (event.target.name === "code") return;
    changed = true;
    try { sessionStorage.setItem(key, JSON.stringify(values())); } catch (e) { /* full: the warning still guards */ }
  });
  form.addEventListener("submit", function () { posting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (changed && !posting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
