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
