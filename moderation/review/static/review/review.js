// Keyboard shortcuts for working through the queue: j next, k previous, u uphold, o overturn.
// Everything else on the pages works without this file.
(function () {
  "use strict";

  var keys = { j: "next", k: "previous", u: "uphold", o: "overturn" };

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && typing(event.target)) {
      event.target.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    var action = keys[event.key];
    var element = action && document.querySelector('[data-shortcut="' + action + '"]');
    if (!element) {
      return;
    }
    event.preventDefault();
    if (element.tagName === "A") {
      window.location.assign(element.href);
    } else if (element.form) {
      // requestSubmit sends the button's name and value (the verdict), like a click would.
      if (element.form.requestSubmit) {
        element.form.requestSubmit(element);
      } else {
        element.click();
      }
    }
  });
})();
