// The test builder wizard: only the chosen subject's levels and strands are shown and sent.
const subject = document.getElementById("subject");
function showSubject() {
  document.querySelectorAll("fieldset[class^='subject-']").forEach(fs => {
    const on = fs.className === "subject-" + subject.value;
    fs.hidden = !on;
    fs.querySelectorAll("select").forEach(s => { s.disabled = !on; });
  });
}
subject.addEventListener("change", showSubject);
showSubject();
