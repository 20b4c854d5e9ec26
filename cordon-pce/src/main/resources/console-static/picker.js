// Cordon console: type-ahead object pickers. A .picker holds the chosen objects as pills (each with a hidden input
// carrying kind:href) and a text field; typing makes htmx ask the console (GET /console/pick, which asks the API's
// filtered collections) for at most a few matches per kind, an options fragment shown as a listbox (arrow keys,
// Enter, Escape, or a click). Without JavaScript the text field itself is sent and looked up by exact name on the
// server.
(function () {
  "use strict";

  function pill(picker, o) {
    var name = picker.getAttribute("data-name");
    var pills = picker.querySelector(".pills");
    var exists = Array.prototype.some.call(pills.querySelectorAll("input[type=hidden]"), function (i) { return i.value === o.token; });
    if (exists) return;
    var span = document.createElement("span");
    span.className = "pill pc-" + o.colour;
    span.setAttribute("data-token", o.token);
    var k = document.createElement("span");
    k.className = "pk";
    k.textContent = o.prefix;
    span.appendChild(k);
    span.appendChild(document.createTextNode(o.text));
    var b = document.createElement("button");
    b.type = "button";
    b.className = "unpick";
    b.setAttribute("aria-label", "Remove " + o.prefix + o.text);
    b.textContent = "×";
    span.appendChild(b);
    var h = document.createElement("input");
    h.type = "hidden";
    h.name = name;
    h.value = o.token;
    span.appendChild(h);
    pills.appendChild(span);
  }

  function close(picker) {
    var list = picker.querySelector(".options");
    var input = picker.querySelector("input[role=combobox]");
    list.hidden = true;
    list.textContent = "";
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function choose(picker, li) {
    pill(picker, {token: li.getAttribute("data-token"), text: li.getAttribute("data-text"),
      colour: li.getAttribute("data-colour"), prefix: li.getAttribute("data-prefix")});
    var input = picker.querySelector("input[role=combobox]");
    input.value = "";
    close(picker);
    input.focus();
  }

  // htmx asks GET /console/pick (the input's hx-get) and swaps the options fragment into the listbox; here the
  // listbox is opened, or closed when the answer is empty (nothing typed)
  document.addEventListener("htmx:afterSwap", function (e) {
    var list = e.detail && e.detail.target;
    if (!list || !list.classList || !list.classList.contains("options")) return;
    var picker = list.closest(".picker");
    var input = picker.querySelector("input[role=combobox]");
    var empty = list.children.length === 0 || input.value.trim() === "";
    list.hidden = empty;
    input.setAttribute("aria-expanded", empty ? "false" : "true");
    input.removeAttribute("aria-activedescendant");
  });

  function search(picker) {
    var input = picker.querySelector("input[role=combobox]");
    if (input.value.trim() === "") { close(picker); return; }
    if (window.htmx) window.htmx.trigger(input, "cordon-pick");
  }

  function move(picker, by) {
    var opts = picker.querySelectorAll(".options li.opt");
    if (opts.length === 0) return;
    var input = picker.querySelector("input[role=combobox]");
    var cur = -1;
    opts.forEach(function (li, i) { if (li.getAttribute("aria-selected") === "true") cur = i; });
    var next = (cur + by + opts.length) % opts.length;
    opts.forEach(function (li, i) { li.setAttribute("aria-selected", i === next ? "true" : "false"); });
    input.setAttribute("aria-activedescendant", opts[next].id);
  }

  document.addEventListener("input", function (e) {
    var picker = e.target.closest && e.target.closest(".picker");
    if (picker && e.target.getAttribute("role") === "combobox" && e.target.value.trim() === "") close(picker);
  });

  document.addEventListener("keydown", function (e) {
    var picker = e.target.closest && e.target.closest(".picker");
    if (!picker || e.target.getAttribute("role") !== "combobox") return;
    var list = picker.querySelector(".options");
    if (e.key === "ArrowDown") { e.preventDefault(); if (list.hidden) search(picker); else move(picker, 1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); move(picker, -1); }
    else if (e.key === "Escape") { close(picker); }
    else if (e.key === "Enter" && !list.hidden) {
      var active = list.querySelector("li.opt[aria-selected=true]") || list.querySelector("li.opt");
      if (active) { e.preventDefault(); choose(picker, active); }
    }
  });

  document.addEventListener("mousedown", function (e) {
    var li = e.target.closest && e.target.closest(".picker .options li.opt");
    if (li) { e.preventDefault(); choose(li.closest(".picker"), li); }
  });

  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest(".picker .unpick");
    if (b) { var picker = b.closest(".picker"); b.parentNode.remove(); picker.querySelector("input[role=combobox]").focus(); }
  });

  document.addEventListener("focusout", function (e) {
    var picker = e.target.closest && e.target.closest(".picker");
    if (picker && e.target.getAttribute("role") === "combobox") setTimeout(function () { if (!picker.contains(document.activeElement)) close(picker); }, 150);
  });
})();
