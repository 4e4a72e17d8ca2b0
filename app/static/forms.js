// Forms marked data-no-submit are never sent as a whole (the player saves each answer itself).
document.querySelectorAll("form[data-no-submit]").forEach((form) => {
  form.addEventListener("submit", (event) => event.preventDefault());
});
