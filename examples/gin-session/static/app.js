// Progressive enhancement of the site's forms.
//
// Every form works without this file: the browser posts its fields
// form-encoded, the csrfmiddlewaretoken hidden field included, straight
// to restauth's endpoint, which answers JSON. With it, each form marked
// data-api is sent with fetch() as JSON, with the X-CSRFToken header and
// the method in data-method (default POST); errors are shown next to their
// fields. On success an answer with a "detail" is shown in the form's
// data-status element (data-done replaces its text, and data-once hides
// the form's data-fields part: the form has done its job); otherwise the
// browser goes to data-next. Errors about the hidden fields of a mailed
// link (key, uid, token), and a 404 for it, show data-invalid-link.
(function () {
  "use strict";

  // csrfToken reads the csrftoken cookie, which is current even when
  // another tab has logged in since this page was rendered; the hidden
  // field is the fallback.
  function csrfToken(form) {
    var name = document.body.dataset.csrfCookie || "csrftoken";
    var cookies = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < cookies.length; i++) {
      var eq = cookies[i].indexOf("=");
      if (eq > 0 && cookies[i].slice(0, eq) === name) {
        return decodeURIComponent(cookies[i].slice(eq + 1));
      }
    }
    var field = form.elements.namedItem("csrfmiddlewaretoken");
    return field ? field.value : "";
  }

  function slot(form, field) {
    var el = form.querySelector('[data-error-for="' + CSS.escape(field) + '"]');
    if (!el) {
      el = form.querySelector('[data-error-for="non_field_errors"]');
    }
    if (!el) {
      el = document.createElement("p");
      el.className = "error";
      el.setAttribute("role", "alert");
      el.dataset.errorFor = "non_field_errors";
      form.prepend(el);
    }
    return el;
  }

  // showErrors renders DRF's error shapes: {"field": ["..."]},
  // {"non_field_errors": ["..."]} and {"detail": "..."}. Text only, never
  // HTML.
  function showErrors(form, body, status) {
    if (!body || typeof body !== "object") {
      slot(form, "non_field_errors").textContent = "The server answered " + status + ". Please try again.";
      return;
    }
    var invalidLink = form.dataset.invalidLink;
    if (invalidLink && status === 404) {
      slot(form, "non_field_errors").textContent = invalidLink;
      return;
    }
    Object.keys(body).forEach(function (field) {
      if (field === "code" || field === "messages") {
        return; // SimpleJWT's details of "detail"
      }
      var value = body[field];
      var text = Array.isArray(value) ? value.join(" ") : String(value);
      var input = form.elements.namedItem(field);
      if (invalidLink && input && input.type === "hidden") {
        text = invalidLink; // the user cannot fix a hidden field
      }
      var el = slot(form, field);
      if (el.textContent.indexOf(text) >= 0) {
        return;
      }
      el.textContent = el.textContent ? el.textContent + " " + text : text;
    });
  }

  async function submit(event) {
    var form = event.currentTarget;
    event.preventDefault();
    form.querySelectorAll("[data-error-for], [data-status]").forEach(function (el) {
      el.textContent = "";
    });
    var fields = {};
    new FormData(form).forEach(function (value, key) {
      if (key !== "csrfmiddlewaretoken") {
        fields[key] = value;
      }
    });
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      var res = await fetch(form.action, {
        method: form.dataset.method || "POST",
        credentials: "same-origin",
        headers: {
          "Accept": "application/json",
          "Content-Type": "application/json",
          "X-CSRFToken": csrfToken(form)
        },
        body: JSON.stringify(fields)
      });
      var body = null;
      if (res.status !== 204) {
        body = await res.json().catch(function () { return null; });
      }
      if (!res.ok) {
        showErrors(form, body, res.status);
        return;
      }
      var status = form.querySelector("[data-status]");
      if (status && body && body.detail) {
        form.reset();
        status.textContent = form.dataset.done || body.detail;
        var part = form.querySelector("[data-fields]");
        if (part && form.dataset.once !== undefined) {
          part.hidden = true;
        }
        return;
      }
      if (form.dataset.next) {
        window.location.assign(form.dataset.next);
        return;
      }
      form.reset();
    } catch (err) {
      showErrors(form, null, "nothing (is the network down?)");
    } finally {
      button.disabled = false;
    }
  }

  document.querySelectorAll("form[data-api]").forEach(function (form) {
    form.addEventListener("submit", submit);
  });
})();
