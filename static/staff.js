// A page sent back in answer to a form (with the form's errors) takes the address of the
// page the form was on: Back from the next page then reloads that page instead of showing
// the browser's "Confirm Form Resubmission". Without this script the pages work the same.
"use strict";
(function () {
  var address = document.body.getAttribute("data-page-address");
  if (address && window.history && window.history.replaceState) {
    window.history.replaceState(null, "", address + window.location.hash);
  }
})();
