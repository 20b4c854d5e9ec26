// Cordon console: asks before a form marked data-confirm does something that cannot be undone in one click
// (removing an object, reverting the draft, restoring a version, suspending a VEN). No inline script: the page's
// Content-Security-Policy allows scripts from the console only.
document.addEventListener("submit", function (e) {
  var form = e.target;
  var question = form && form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    e.preventDefault();
    e.stopImmediatePropagation();
  }
}, true);

// The first message beside a field is brought into view and its field focused, so an error below the fold is seen.
function cordonShowFirstError() {
  var err = document.querySelector(".field-error");
  if (!err) return;
  err.scrollIntoView({block: "center"});
  var field = err.previousElementSibling;
  if (field && typeof field.focus === "function" && /^(INPUT|SELECT|TEXTAREA)$/.test(field.tagName)) field.focus();
}
document.addEventListener("DOMContentLoaded", cordonShowFirstError);
document.addEventListener("htmx:afterSwap", cordonShowFirstError);

// "Select all on this page" of a list's bulk form ticks (or clears) every row checkbox that belongs to that form.
document.addEventListener("change", function (e) {
  var form = e.target.getAttribute && e.target.getAttribute("data-select-all");
  if (!form) return;
  document.querySelectorAll("input[type=checkbox][name=ids][form='" + form + "']").forEach(function (c) { c.checked = e.target.checked; });
});
