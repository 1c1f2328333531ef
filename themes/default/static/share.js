/* handbill share buttons: the browser's own share sheet (Web Share API) and copy-link,
   added only where the browser has them. The plain share links work without this file. */
(function () {
  "use strict";

  function button(label, onClick) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "button";
    element.textContent = label;
    element.addEventListener("click", onClick);
    return element;
  }

  document.querySelectorAll("section.share[data-copy-url]").forEach(function (section) {
    var data = section.dataset;
    var tools = document.createElement("p");
    var status = document.createElement("span");
    tools.className = "share-tools";
    status.className = "share-status";
    status.setAttribute("role", "status");
    if (typeof navigator.share === "function") {
      tools.appendChild(button(data.nativeLabel, function () {
        navigator.share({ title: data.title, text: data.text, url: data.nativeUrl })
          .catch(function () { /* the reader closed the share sheet */ });
      }));
    }
    if (navigator.clipboard && typeof navigator.clipboard.writeText === "function") {
      tools.appendChild(button(data.copyLabel, function () {
        navigator.clipboard.writeText(data.copyUrl).then(function () {
          status.textContent = data.copied;
        }, function () {
          status.textContent = data.copyUrl;
        });
      }));
    }
    if (tools.firstChild) {
      tools.appendChild(status);
      section.appendChild(tools);
    }
  });
})();
