// The review pages without a build step. Everything works without this file; it adds:
// - keyboard shortcuts: on a decision j next, k previous, u uphold, o overturn; in a queue j/k move,
//   x selects, Enter opens, u/o review the selected rows;
// - selecting a range of rows with shift-click;
// - the reader's local time beside every UTC time.
(function () {
  "use strict";

  var keys = { j: "next", k: "previous", u: "uphold", o: "overturn" };

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function submitWith(button) {
    // requestSubmit sends the button's name and value (the verdict), like a click would.
    if (button.form.requestSubmit) {
      button.form.requestSubmit(button);
    } else {
      button.click();
    }
  }

  // --- a queue: the row cursor and the selection -------------------------------------------------------

  var table = document.querySelector("table.log");
  var rows = table ? Array.prototype.slice.call(table.querySelectorAll("tbody tr")) : [];
  var boxes = rows.map(function (row) { return row.querySelector("input[name=ids]"); });
  var current = -1;
  var lastClicked = -1;

  function selectedCount() {
    return boxes.filter(function (box) { return box && box.checked; }).length;
  }

  function showSelection() {
    var picked = document.getElementById("picked");
    var count = selectedCount();
    if (picked) {
      picked.textContent = count ? count + " selected" : "none selected";
    }
    rows.forEach(function (row, index) {
      row.classList.toggle("picked", Boolean(boxes[index] && boxes[index].checked));
    });
    var all = document.getElementById("pick-all");
    if (all) {
      all.checked = count > 0 && count === boxes.length;
      all.indeterminate = count > 0 && count < boxes.length;
    }
  }

  function moveTo(index) {
    if (!rows.length) {
      return;
    }
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach(function (row, position) {
      row.classList.toggle("current", position === current);
      row.setAttribute("aria-current", position === current ? "true" : "false");
    });
    rows[current].scrollIntoView({ block: "nearest" });
  }

  boxes.forEach(function (box, index) {
    if (!box) {
      return;
    }
    box.addEventListener("click", function (event) {
      if (event.shiftKey && lastClicked >= 0) {
        var low = Math.min(lastClicked, index);
        var high = Math.max(lastClicked, index);
        for (var position = low; position <= high; position += 1) {
          boxes[position].checked = box.checked;
        }
      }
      lastClicked = index;
      moveTo(index);
      showSelection();
    });
  });

  var pickAll = document.getElementById("pick-all");
  if (pickAll) {
    pickAll.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = pickAll.checked; });
      showSelection();
    });
  }

  var bulk = document.getElementById("bulk");
  if (bulk) {
    bulk.addEventListener("submit", function (event) {
      if (!selectedCount()) {
        event.preventDefault();
        var picked = document.getElementById("picked");
        if (picked) {
          picked.textContent = "select a comment first (x or its box)";
        }
      }
    });
    showSelection();
  }

  function queueKey(event) {
    if (event.key === "j") {
      moveTo(current + 1);
    } else if (event.key === "k") {
      moveTo(current < 0 ? 0 : current - 1);
    } else if (event.key === "x" && current >= 0 && boxes[current]) {
      boxes[current].checked = !boxes[current].checked;
      lastClicked = current;
      showSelection();
    } else if (event.key === "Enter" && current >= 0 && !/^(A|BUTTON)$/.test(event.target.tagName)) {
      var link = rows[current].querySelector("td.excerpt a");
      if (link) {
        window.location.assign(link.href);
      }
    } else {
      return false;
    }
    return true;
  }

  // --- every page: shortcuts ----------------------------------------------------------------------------

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && typing(event.target)) {
      event.target.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    if (rows.length && queueKey(event)) {
      event.preventDefault();
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
      submitWith(element);
    }
  });

  // --- local time beside UTC ----------------------------------------------------------------------------

  var offset = new Date().getTimezoneOffset();
  if (offset !== 0 && window.Intl) {
    var clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
    var dated = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
    Array.prototype.forEach.call(document.querySelectorAll("time[datetime]"), function (element) {
      var moment = new Date(element.getAttribute("datetime"));
      if (isNaN(moment.getTime())) {
        return;
      }
      var sameDay = moment.toISOString().slice(0, 10) === new Date(moment.getTime() - offset * 60000).toISOString().slice(0, 10);
      var local = document.createElement("span");
      local.className = "local-time";
      local.textContent = (sameDay ? clock : dated).format(moment) + " local";
      element.appendChild(local);
      // The dense queue table has no room beside its times: there the local time is the tooltip (and shows on phones).
      element.title = element.title ? element.title + " · " + local.textContent : local.textContent;
    });
  }
})();
