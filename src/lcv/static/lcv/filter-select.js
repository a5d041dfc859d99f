// Filters the options of a long <select multiple> as the person types (searchable multi-select).
// Chosen options stay visible, so a filter never hides what has been selected.
document.querySelectorAll("[data-filter-for]").forEach(function (input) {
  var select = document.getElementById(input.getAttribute("data-filter-for"));
  if (!select) return;
  input.addEventListener("input", function () {
    var term = input.value.trim().toLowerCase();
    Array.prototype.forEach.call(select.options, function (option) {
      option.hidden = term !== "" && !option.selected && option.text.toLowerCase().indexOf(term) === -1;
    });
  });
});
