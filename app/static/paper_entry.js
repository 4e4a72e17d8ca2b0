// The paper entry grid: Enter moves to the next cell (as Tab does) instead of submitting;
// Shift+Enter moves back. Letters typed into choice cells are shown in capitals.
(function () {
  "use strict";
  const cells = [...document.querySelectorAll("table.entry input.cell")];
  cells.forEach((cell, index) => {
    cell.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      const next = cells[index + (event.shiftKey ? -1 : 1)];
      if (next) { next.focus(); next.select(); }
    });
  });
})();
