// The test builder wizard: only the chosen subject's levels, strands, class level and attitude
// statements are shown and sent; the deep-items slider shows its value.
const subject = document.getElementById("subject");
function showSubject() {
  document.querySelectorAll("fieldset[class^='subject-']").forEach(fs => {
    const on = fs.className === "subject-" + subject.value;
    fs.hidden = !on;
    fs.querySelectorAll("select, input").forEach(s => { s.disabled = !on; });
  });
}
subject.addEventListener("change", showSubject);
showSubject();
const deep = document.getElementById("deep");
const deepOut = document.getElementById("deep-out");
if (deep && deepOut) {
  deep.addEventListener("input", () => { deepOut.value = deep.value + "%"; });
}
