(function () {
  // The colour picker fills in the hex code and follows it; the code field alone
  // works without JavaScript, so the picker is shown only when this runs.
  document.querySelectorAll("input[type=color][data-colour-for][hidden]").forEach(function (picker) {
    picker.hidden = false;
  });
  if (window.styrhjulColourSync) return;
  window.styrhjulColourSync = true;
  document.addEventListener("input", function (event) {
    var el = event.target;
    if (el.matches("input[type=color][data-colour-for]")) {
      var text = document.getElementById(el.dataset.colourFor);
      if (text) text.value = el.value;
    } else if (el.id) {
      var picker = document.querySelector('input[type=color][data-colour-for="' + el.id + '"]');
      if (picker && /^#[0-9a-fA-F]{6}$/.test(el.value)) picker.value = el.value.toLowerCase();
    }
  });
})();
