// Cordon console, the pages of daily work: the copy button beside a command (data-copy names the element whose text
// is copied). The Clipboard API where the page may use it, else a selected text area and the copy command; the
// status beside the button says which happened. No inline script: the CSP allows scripts from the console only.
document.addEventListener("click", function (e) {
  var button = e.target.closest && e.target.closest("button[data-copy]");
  if (!button) return;
  var source = document.getElementById(button.getAttribute("data-copy"));
  var status = document.getElementById(button.getAttribute("aria-describedby"));
  if (!source) return;
  var text = source.textContent;
  function say(msg) { if (status) status.textContent = msg; }
  function fallback() {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (err) { ok = false; }
    document.body.removeChild(area);
    say(ok ? "Copied." : "Select the command and copy it (Ctrl+C).");
  }
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(function () { say("Copied."); }, fallback);
  } else {
    fallback();
  }
});
