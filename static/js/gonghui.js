/* Small behaviours for the pages. No inline scripts anywhere (the Content-Security-Policy refuses them). */
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

  // htmx swaps no error answer (429 too many requests, 403, 500), so a refused "获取验证码" or a failing poll
  // would change nothing on the page and leave the worker waiting. Show the answer's own message (the 429 page
  // says how many seconds to wait) in a notice just above the element the answer was meant for.
  function errorMessage(xhr) {
    var answer = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    var said = answer.querySelector("[role=alert]") || answer.querySelector(".lead");
    return (said && said.textContent.trim()) || document.body.getAttribute("data-request-error-text") || "";
  }

  function noticeBefore(target) {
    var before = target.previousElementSibling;
    return before && before.hasAttribute("data-request-error") ? before : null;
  }

  function showRequestError(event) {
    var target = event.detail.target, xhr = event.detail.xhr;
    if (!target || !target.parentNode || !xhr) return;
    var notice = noticeBefore(target);
    if (!notice) {
      notice = document.createElement("div");
      notice.className = "notice error";
      notice.setAttribute("role", "alert");
      notice.setAttribute("data-request-error", "");
      target.parentNode.insertBefore(notice, target);
    }
    notice.textContent = errorMessage(xhr);
  }

  function clearRequestError(event) {
    var notice = event.detail.target && noticeBefore(event.detail.target);
    if (notice) notice.remove();
  }

  document.addEventListener("DOMContentLoaded", function () {
    startCountdowns(document);
    if (window.htmx) {
      window.htmx.onLoad(function (element) { startCountdowns(element); });
      document.body.addEventListener("htmx:responseError", showRequestError);
      document.body.addEventListener("htmx:beforeRequest", clearRequestError);
    }
  });
})();
