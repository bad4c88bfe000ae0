/* Small behaviours for the pages. No inline scripts anywhere (a Content-Security-Policy comes later). */
(function () {
  "use strict";

  // "获取验证码" counts down after a code was sent, so a worker does not ask again inside the resend window.
  function startCountdowns(root) {
    root.querySelectorAll("[data-countdown]").forEach(function (button) {
      var left = parseInt(button.getAttribute("data-countdown"), 10);
      if (!(left > 0)) return;
      var label = button.textContent;
      var suffix = button.getAttribute("data-countdown-text") || "s";
      button.removeAttribute("data-countdown");
      button.disabled = true;
      var tick = function () {
        if (left <= 0) {
          button.disabled = false;
          button.textContent = label;
          return;
        }
        button.textContent = left + " " + suffix;
        left -= 1;
        window.setTimeout(tick, 1000);
      };
      tick();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    startCountdowns(document);
    if (window.htmx) {
      window.htmx.onLoad(function (element) { startCountdowns(element); });
    }
  });
})();
