// Search results quote the pages' text, where Sphinx writes math as \( ... \): once the search
// has finished and every result's snippet has arrived, the local MathJax typesets them too.
document.addEventListener("DOMContentLoaded", function () {
  const results = document.getElementById("search-results");
  if (!results) return;
  let tries = 0;
  const timer = setInterval(function () {
    tries += 1;
    const summary = results.querySelector(".search-summary");
    const finished = summary !== null && summary.textContent.length > 0;
    const items = results.querySelectorAll("ul.search li").length;
    const snippets = results.querySelectorAll("ul.search li p.context").length;
    if ((finished && snippets >= items) || tries > 300) {
      clearInterval(timer);
      // a highlighted search term inside \( ... \) splits the TeX: flatten those snippets
      results.querySelectorAll("p.context").forEach(function (snippet) {
        if (snippet.textContent.indexOf("\\(") >= 0) snippet.textContent = snippet.textContent;
      });
      if (window.MathJax && window.MathJax.Hub) {
        window.MathJax.Hub.Queue(["Typeset", window.MathJax.Hub, results]);
      }
      results.dataset.mathQueued = "yes";
    }
  }, 100);
});
