/* Report a case: the kecamatan select narrows the village select to that kecamatan's villages.
 * Without JavaScript the kecamatan select stays hidden and the village select, grouped by kecamatan, is
 * used alone. Village codes start with their kecamatan's code (36.73.05.1001 is in 36.73.05). */
(function () {
  "use strict";
  var district = document.querySelector("select[data-filters]");
  if (!district) {
    return;
  }
  var village = document.getElementById(district.getAttribute("data-filters"));
  if (!village) {
    return;
  }
  var wrapper = document.getElementById("district-filter");
  if (wrapper) {
    wrapper.classList.remove("d-none");
  }
  // Hiding <option>s does not work on every phone browser: keep the full list and rebuild from it.
  var all = Array.prototype.map.call(village.children, function (node) {
    return node.cloneNode(true);
  });

  function belongs(option, code) {
    return option.value === "" || option.value.indexOf(code + ".") === 0;
  }

  function filter() {
    var code = district.value;
    var selected = village.value;
    village.textContent = "";
    all.forEach(function (node) {
      if (!code) {
        village.appendChild(node.cloneNode(true));
        return;
      }
      if (node.tagName === "OPTGROUP") {
        var group = node.cloneNode(false);
        Array.prototype.forEach.call(node.children, function (option) {
          if (belongs(option, code)) {
            group.appendChild(option.cloneNode(true));
          }
        });
        if (group.children.length) {
          village.appendChild(group);
        }
      } else if (belongs(node, code)) {
        village.appendChild(node.cloneNode(true));
      }
    });
    village.value = selected;
    if (village.value !== selected) {
      village.value = "";
    }
  }

  // Pre-select the kecamatan of a village already chosen (the form shown again after an error).
  if (!district.value && village.value) {
    district.value = village.value.split(".").slice(0, 3).join(".");
  }
  district.addEventListener("change", filter);
  filter();
})();
