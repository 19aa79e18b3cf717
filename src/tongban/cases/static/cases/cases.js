/* Case pages: small enhancements. Every page works without this file (the server refuses a second
   submission of the same form by its one-time token); this only spares people the wait and the doubt. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // File inputs show a Chinese button and the chosen file's name.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(".file-pick input[type=file]")) return;
    var name = input.closest(".file-pick").querySelector(".file-name");
    if (name) name.textContent = input.files && input.files.length ? input.files[0].name : "未选择文件";
  });

  // Once a form is on its way, its buttons say so and a second click does nothing.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
    if (form.dataset.submitting === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "1";
    var submitter = event.submitter;
    // Disable after the form data set is built (a disabled button would send no value).
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) {
        b.disabled = true;
        b.classList.add("is-busy");
      });
      if (submitter) submitter.textContent = "正在提交…";
    }, 0);
  });

  // Result desk: the address matters only for post.
  function syncDelivery(form) {
    var chosen = form.querySelector("input[name=delivery]:checked");
    var address = form.querySelector("[data-field=address]");
    if (address) address.hidden = !(chosen && chosen.value === "post");
  }
  document.querySelectorAll("form[data-delivery]").forEach(function (form) {
    syncDelivery(form);
    form.addEventListener("change", function () { syncDelivery(form); });
  });

  // A page that comes back from the back/forward cache must not stay "submitting".
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      delete form.dataset.submitting;
      form.querySelectorAll("button").forEach(function (b) { b.disabled = false; b.classList.remove("is-busy"); });
    });
  });
})();
