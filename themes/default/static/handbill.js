/* handbill.js: the site's one script. No dependencies and no inline code, so a strict
   Content-Security-Policy (script-src 'self'; style-src 'self') holds.

   Every feature enhances HTML that already works without JavaScript, and is one small
   init function. To add a feature, write an init function and add it to FEATURES at
   the bottom; one feature failing never stops the others. */
(function () {
  "use strict";

  var SOURCE_KEY = "handbill-source";
  var SOURCE_MAX = 100;
  var SEND_TIMEOUT_MS = 30000;

  /* --- Where the visitor came from: ?source=, utm_source or ref ------------------------
     Copied (as a value, length-capped) into every form's hidden source field, and kept
     for the visit so a supporter who arrives on a story and signs on the campaign page
     is still counted for the link that brought them. */

  function cleanSource(value) {
    return String(value || "").replace(/[\u0000-\u001f\u007f]/g, "").trim().slice(0, SOURCE_MAX);
  }

  function visitSource() {
    var params = new URLSearchParams(window.location.search);
    var source = cleanSource(params.get("source") || params.get("utm_source") || params.get("ref"));
    try {
      if (source) {
        window.sessionStorage.setItem(SOURCE_KEY, source);
      } else {
        source = cleanSource(window.sessionStorage.getItem(SOURCE_KEY));
      }
    } catch (error) {
      /* storage is off (a private window): the page's own source is enough */
    }
    return source;
  }

  function initSource() {
    var source = visitSource();
    if (!source) return;
    document.querySelectorAll('input[data-hidden="source"]').forEach(function (input) {
      input.value = source;
    });
    document.querySelectorAll("a[data-carry-source]").forEach(function (link) {
      /* the donate button: the same source goes with the supporter to the donation page */
      try {
        var url = new URL(link.href);
        url.searchParams.set("source", source);
        link.href = url.toString();
      } catch (error) {
        /* not an address we can change: leave the link as it is */
      }
    });
  }

  /* --- The signature counter and its goal ladder ----------------------------------------
     The build wrote the count and every text (in the page's language, with {count} left
     for us, and one text per plural form where the words follow the count); a live count
     from data-count-url replaces the number when it arrives. */

  function numberFormat(counter) {
    /* Always name the numbering system: for fa, bn, mr, ne, my ... the browser's default is the
       language's own digits, while the build wrote Latin ones unless the site asked otherwise. */
    var lang = document.documentElement.lang || "en";
    var numbering = counter.getAttribute("data-numbering") || "latn";
    /* and group every number as the build does: for es, pl, pt ... the browser leaves 1000 ungrouped */
    try {
      return new Intl.NumberFormat(lang + "-u-nu-" + numbering, { useGrouping: "always" });
    } catch (error) {
      return new Intl.NumberFormat();
    }
  }

  function pluralText(text, count, lang) {
    if (typeof text === "string") return text;
    var form = "other";
    try {
      form = new Intl.PluralRules(lang).select(count);
    } catch (error) {
      /* a language the browser does not know: the general form */
    }
    return text[form] || text.other;
  }

  function showCount(counter, count) {
    var ladder = JSON.parse(counter.getAttribute("data-ladder"));
    var step = ladder.steps.find(function (each) { return each[0] > count; }) || ladder.past;
    var goal = step[0];
    var text = pluralText(step[1], count, ladder.lang);
    counter.setAttribute("data-count", String(count));
    counter.querySelector(".count-text").textContent = text.replace("{count}", numberFormat(counter).format(count));
    var passed = counter.querySelector(".goal-passed");
    passed.textContent = step[2];
    passed.hidden = !step[2];
    var bar = counter.querySelector("[role=progressbar]");
    if (bar && goal) {
      var percent = Math.min(100, Math.floor(count * 100 / goal));
      bar.setAttribute("aria-valuemax", String(goal));
      bar.setAttribute("aria-valuenow", String(Math.min(count, goal)));
      bar.querySelector(".bar-fill").className = "bar-fill bar-" + Math.floor(percent / 5) * 5;
    }
  }

  function countOf(data) {
    /* only a JSON number, or a string of digits, is a count */
    var count = data ? data.count : null;
    if (typeof count === "string" && /^\s*\d+\s*$/.test(count)) count = Number(count);
    return typeof count === "number" && isFinite(count) && count >= 0 ? Math.floor(count) : null;
  }

  function initCounters() {
    document.querySelectorAll(".counter[data-count-url]").forEach(function (counter) {
      fetch(counter.getAttribute("data-count-url"), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          var count = countOf(data);
          if (count !== null) showCount(counter, count);
        })
        .catch(function () { /* unreachable or not JSON: the build-time count stays */ });
    });
  }

  function bumpCounters() {
    document.querySelectorAll(".counter[data-count]").forEach(function (counter) {
      showCount(counter, Number(counter.getAttribute("data-count")) + 1);
    });
  }

  /* --- The petition form ------------------------------------------------------------------
     Checks the answers and shows problems next to the fields, in the page's language;
     sends the signature with fetch and shows the thank-you step in place. A refusal from
     the service (400, 422) is shown in place too, by the fields it names. On any other
     failure it submits the form the normal way, so a signature is never lost. */

  function problemOf(field, form) {
    var validity = field.validity;
    var blank = field.type !== "checkbox" && field.required && !field.value.trim();
    if (validity.valueMissing || blank) {
      return form.getAttribute(field.type === "checkbox" ? "data-msg-consent" : "data-msg-required");
    }
    var most = Number(field.getAttribute("data-maxlength"));
    if (most && field.value.length > most) return field.getAttribute("data-msg-too-long");
    if (validity.typeMismatch && field.type === "email") return form.getAttribute("data-msg-email");
    return validity.valid ? "" : form.getAttribute("data-msg-invalid");
  }

  function showProblem(field, message) {
    var error = document.getElementById(field.id + "-error");
    var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && !(error && id === error.id);
    });
    if (error) error.textContent = message;
    if (message) {
      field.setAttribute("aria-invalid", "true");
      if (error) described.push(error.id);
    } else {
      field.removeAttribute("aria-invalid");
    }
    if (described.length) {
      field.setAttribute("aria-describedby", described.join(" "));
    } else {
      field.removeAttribute("aria-describedby");
    }
  }

  function firstProblem(form) {
    var first = null;
    form.querySelectorAll("[data-field]").forEach(function (field) {
      var message = problemOf(field, form);
      showProblem(field, message);
      if (message && !first) first = field;
    });
    return first;
  }

  function formEntries(form) {
    /* exactly what the plain form posts: named controls, unticked boxes left out */
    return Array.from(new FormData(form).entries());
  }

  function actionNetworkSignature(form) {
    /* Action Network's record signature helper format (OSDI), for its unauthenticated POST */
    function value(key) {
      var field = form.querySelector('[data-field="' + key + '"]');
      return field ? field.value.trim() : "";
    }
    var person = {};
    var address = {};
    var custom = {};
    var source = "";
    var consent = form.querySelector('[data-field="consent"]');
    if (value("first_name")) person.given_name = value("first_name");
    if (value("last_name")) person.family_name = value("last_name");
    if (value("email")) {
      person.email_addresses = [{ address: value("email") }];
      if (consent && consent.checked) person.email_addresses[0].status = "subscribed";
    }
    if (value("phone")) person.phone_numbers = [{ number: value("phone") }];
    if (value("postal_code")) address.postal_code = value("postal_code");
    if (value("city")) address.locality = value("city");
    if (value("country")) address.country = value("country");
    if (Object.keys(address).length) person.postal_addresses = [address];
    form.querySelectorAll("[data-hidden]").forEach(function (input) {
      var key = input.getAttribute("data-hidden");
      if (key === "source") {
        source = input.value;
      } else if (input.value) {
        custom[key] = input.value;
      }
    });
    if (Object.keys(custom).length) person.custom_fields = custom;
    var body = { person: person, triggers: { autoresponse: { enabled: true } } };
    if (value("comment")) body.comments = value("comment");
    if (source) body["action_network:referrer_data"] = { source: source };
    return body;
  }

  function requestFor(form) {
    var headers = { Accept: "application/json" };
    var body;
    if (form.getAttribute("data-petition") === "actionnetwork") {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(actionNetworkSignature(form));
    } else if (form.getAttribute("data-encoding") === "json") {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(Object.fromEntries(formEntries(form)));
    } else {
      body = new URLSearchParams(formEntries(form));
    }
    return { method: "POST", headers: headers, body: body };
  }

  function send(form) {
    var options = requestFor(form);
    var controller = window.AbortController ? new AbortController() : null;
    var timer = null;
    if (controller) {
      options.signal = controller.signal;
      timer = window.setTimeout(function () { controller.abort(); }, SEND_TIMEOUT_MS);
    }
    if (form.getAttribute("data-cors") === "off") {
      /* A service that never lets scripts read its answers (Google Forms): sent once, unread. */
      options.mode = "no-cors";
    } else {
      /* Not followed: a service that answers with a redirect (to its own thank-you page, or to
         the site's) has taken the signature, and following it across sites would only fail. */
      options.redirect = "manual";
    }
    return fetch(form.getAttribute("data-endpoint"), options).then(function (response) {
      window.clearTimeout(timer);
      if (response.ok || response.type === "opaqueredirect" || response.type === "opaque") return;
      var error = new Error("the form service answered " + response.status);
      error.response = response;
      throw error;
    }, function (error) {
      window.clearTimeout(timer);
      throw error;
    });
  }

  function refusedFields(form, answer) {
    /* The fields a service's refusal names, as Formspree writes it ({"errors": [{"field": "email"}]})
       or as many frameworks do ({"errors": {"email": ["..."]}}), by the names the form posts. */
    var errors = answer && answer.errors;
    var names = Array.isArray(errors) ? errors.map(function (each) { return each && each.field; })
      : (errors && typeof errors === "object" ? Object.keys(errors) : []);
    var fields = Array.from(form.querySelectorAll("[data-field]"));
    return fields.filter(function (field) { return field.name && names.indexOf(field.name) >= 0; });
  }

  function labelOf(field) {
    /* the field's label without its "(required)" mark, to say which field a problem is in */
    var label = document.querySelector('label[for="' + field.id + '"]');
    if (!label) return "";
    return Array.from(label.childNodes).filter(function (node) {
      return !(node.classList && node.classList.contains("req"));
    }).map(function (node) { return node.textContent; }).join("").trim();
  }

  function submitPlainly(form) {
    /* the browser's own submit: what happens with JavaScript off, so the signature still goes */
    HTMLFormElement.prototype.submit.call(form);
  }

  function showThanks(form) {
    var step = document.getElementById(form.getAttribute("data-thanks"));
    if (!step) return;
    form.hidden = true;
    step.hidden = false;
    (step.querySelector(".thanks-heading") || step).focus();
  }

  function honeypotFilled(form) {
    return Array.from(form.querySelectorAll("[data-honeypot]")).some(function (input) { return input.value; });
  }

  var REFUSALS = [400, 422]; /* the service read the signature and said no: sending it again cannot help */

  function enhanceForm(form) {
    var button = form.querySelector("button[type=submit]");
    var status = form.querySelector(".form-status");
    var sending = false;
    var sentPlainly = false;

    function say(message) {
      /* the status line is a live region: a screen reader reads what is put in it, even the same words again */
      if (!status) return;
      status.textContent = "";
      window.setTimeout(function () { status.textContent = message; }, 50);
    }

    function setSending(on) {
      sending = on;
      if (button) button.disabled = on;
      if (on) {
        form.setAttribute("aria-busy", "true");
      } else {
        form.removeAttribute("aria-busy");
      }
      if (status) status.textContent = on ? form.getAttribute("data-msg-sending") : "";
    }

    function recheck(event) {
      if (event.target.getAttribute("aria-invalid") === "true") {
        showProblem(event.target, problemOf(event.target, form));
        if (!form.querySelector("[aria-invalid=true]") && !sending && status) status.textContent = "";
      }
    }

    function refused(response) {
      setSending(false);
      return response.json().catch(function () { return null; }).then(function (answer) {
        var fields = refusedFields(form, answer);
        fields.forEach(function (field) { showProblem(field, form.getAttribute("data-msg-invalid")); });
        say(form.getAttribute("data-msg-not-accepted"));
        if (fields.length) fields[0].focus();
      });
    }

    form.noValidate = true; /* our messages, in the page's language, replace the browser's */
    form.addEventListener("input", recheck);
    form.addEventListener("change", recheck);
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) setSending(false); /* back from the thank-you page: ready again */
    });
    document.addEventListener("securitypolicyviolation", function (event) {
      /* The plain submit reached the service, which then sent the browser on to a site the page's
         policy does not allow: the service has the signature, so thank the supporter here. */
      if (!sentPlainly || !/^form-action/.test(event.effectiveDirective || event.violatedDirective || "")) return;
      sentPlainly = false;
      setSending(false);
      showThanks(form);
      bumpCounters();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (sending) return;
      var first = firstProblem(form);
      if (first) {
        first.focus();
        say((labelOf(first) ? labelOf(first) + ": " : "") + problemOf(first, form));
        return;
      }
      if (honeypotFilled(form)) {
        showThanks(form); /* a bot: thank it, send nothing */
        return;
      }
      setSending(true);
      send(form).then(function () {
        setSending(false);
        showThanks(form);
        bumpCounters();
      }).catch(function (error) {
        var response = error && error.response;
        if (response && REFUSALS.indexOf(response.status) >= 0) {
          refused(response);
          return;
        }
        sentPlainly = true;
        submitPlainly(form);
      });
    });
  }

  function initPetitionForms() {
    document.querySelectorAll("form[data-petition]").forEach(enhanceForm);
  }

  /* --- Events that have ended since the build -----------------------------------------------
     The build lists as upcoming what was upcoming on its build date, and marks each such
     event with the moment it is over (data-event-end, UTC). Here an event already over by
     the visitor's clock is hidden, with any group it leaves empty. */

  function initEvents() {
    var now = Date.now();
    document.querySelectorAll("[data-event-end]").forEach(function (event) {
      var end = Date.parse(event.getAttribute("data-event-end"));
      if (!isNaN(end) && end <= now) event.hidden = true;
    });
    document.querySelectorAll("[data-event-group], [data-events]").forEach(function (group) {
      var left = group.querySelector("[data-event-end]:not([hidden])");
      if (group.hasAttribute("data-event-group")) {
        if (!left) group.hidden = true;
      } else {
        var none = group.querySelector("[data-events-none]");
        if (none && !left) none.hidden = false;
      }
    });
  }

  var FEATURES = [initSource, initPetitionForms, initCounters, initEvents];
  FEATURES.forEach(function (init) {
    try {
      init();
    } catch (error) {
      window.setTimeout(function () { throw error; }); /* reported, and the other features still run */
    }
  });
})();
