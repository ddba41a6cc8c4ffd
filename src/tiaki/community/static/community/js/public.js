/* Public portal helpers. Everything works without this script; it only makes things smoother:
   the quick exit replaces history, the report form solves its proof of work, pages are kept offline. */
(function () {
  "use strict";
  var exit = document.querySelector("[data-quick-exit]");
  if (exit) {
    exit.addEventListener("click", function (event) {
      event.preventDefault();
      window.location.replace(exit.href);
    });
  }

  var BITS = 14;
  function zeroBits(bytes) {
    var bits = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { bits += 8; continue; }
      return bits + Math.clz32(bytes[i]) - 24;
    }
    return bits;
  }
  var form = document.querySelector("form[data-pow]");
  if (form && window.crypto && window.crypto.subtle && window.TextEncoder) {
    form.addEventListener("submit", function (event) {
      var nonceField = form.querySelector("[name=pow_nonce]");
      var challenge = form.querySelector("[name=pow_challenge]").value;
      if (!challenge || nonceField.value) { return; }
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      var encoder = new TextEncoder();
      var nonce = 0;
      function attempt() {
        return window.crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + nonce)).then(function (digest) {
          if (zeroBits(new Uint8Array(digest)) >= BITS) {
            nonceField.value = String(nonce);
            form.submit();
            return null;
          }
          nonce += 1;
          return attempt();
        });
      }
      attempt();
    });
  }

  var root = document.documentElement;
  if ("serviceWorker" in navigator && root.dataset.sw) {
    navigator.serviceWorker.register(root.dataset.sw, { scope: root.dataset.swScope }).catch(function () {});
  }
})();
