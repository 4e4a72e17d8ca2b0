// "Give a test": the time limit follows the chosen test's own time (the teacher may change it).
const test = document.getElementById("form_id");
const minutes = document.getElementById("minutes");
if (test && minutes) {
  test.addEventListener("change", () => { minutes.value = test.selectedOptions[0].dataset.minutes || ""; });
}
