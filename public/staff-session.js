// Reception's session clock: a minute before the session ends, say so
// (role="alert") with a button that keeps it going when it ends by being
// idle; when it has ended, go to the sign-in page. Without this script the
// staff bar still says when the session ends.
(function () {
  "use strict";
  var clock = document.getElementById("session-clock");
  var warning = document.getElementById("session-warning");
  var stay = document.getElementById("session-stay");
  if (!clock || !warning || !stay) return;
  var endsAt = Number(clock.getAttribute("data-ends-at")) * 1000;
  var idle = clock.getAttribute("data-idle") === "true";
  var timers = [];

  function schedule() {
    timers.forEach(clearTimeout);
    var now = Date.now();
    timers = [
      setTimeout(function () {
        stay.hidden = !idle;
        warning.hidden = false;
      }, Math.max(0, endsAt - now - 60 * 1000)),
      setTimeout(function () {
        window.location.assign("/staff/login?ended=1");
      }, Math.max(0, endsAt - now + 1000)),
    ];
  }

  stay.addEventListener("click", function () {
    // Any staff request touches the session; this one changes nothing.
    fetch("/staff/keep-alive", { method: "POST", credentials: "same-origin" }).then(
      function (response) {
        if (!response.ok) return;
        return response.json().then(function (answer) {
          endsAt = answer.ends_at * 1000;
          idle = answer.idle;
          clock.textContent = answer.text;
          warning.hidden = true;
          schedule();
        });
      }
    );
  });
  schedule();
})();

// A paper's "Print" button: hidden until this script can print.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("button[data-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
