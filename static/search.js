// The search page (templates/search.html): queries Pagefind's index in the browser. The
// page gives the URLs this needs as data attributes of its form, so the script is a
// file of its own (no inline script: a Content-Security-Policy can forbid them).
const form = document.getElementById("search-form");
const base = form.dataset.base;
const input = document.getElementById("search-q");
const typeSelect = document.getElementById("search-type");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const params = new URLSearchParams(location.search);
input.value = params.get("q") || "";

const pagefind = await import(form.dataset.indexModule);
await pagefind.options({ baseUrl: base });
// a large site's index comes in parts; results and type counts are merged across them
for (const part of form.dataset.parts.split(" ").filter(Boolean)) {
  await pagefind.mergeIndex(part, { baseUrl: base });
}
const filters = await pagefind.filters();
for (const [type, count] of Object.entries(filters.type || {}).sort()) {
  const option = new Option(`${type} (${count})`, type);
  typeSelect.add(option);
}
typeSelect.value = params.get("type") || "";

// The page's words, in its language, from the form's data attributes: "{name}" in
// one is replaced by the value of that name (the catalogues' messages for the script).
function worded(name, values) {
  return form.dataset[name].replace(/\{(\w+)\}/g, (whole, key) => String(values[key] ?? whole));
}

function item(data) {
  const li = document.createElement("li");
  li.className = "search-result";
  const kind = document.createElement("span");
  kind.className = "badge search-type";
  kind.textContent = (data.meta.type || form.dataset.pageType);
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  const excerpt = document.createElement("p");
  excerpt.className = "meta";
  excerpt.innerHTML = data.excerpt;
  li.append(kind, " ", link, excerpt);
  return li;
}

async function run(delay) {
  const query = input.value.trim();
  const type = typeSelect.value;
  const url = new URL(location.href);
  url.searchParams.set("q", query);
  if (type) url.searchParams.set("type", type); else url.searchParams.delete("type");
  history.replaceState(null, "", url);
  if (!query) { list.replaceChildren(); status.textContent = ""; return; }
  const options = type ? { filters: { type } } : {};
  const search = await pagefind.debouncedSearch(query, options, delay);
  if (search === null) return;
  const shown = await Promise.all(search.results.slice(0, 30).map((r) => r.data()));
  list.replaceChildren(...shown.map(item));
  const total = search.results.length;
  status.textContent = total === 0 ? worded("noResults", { query })
    : worded(total > shown.length ? "showing" : "allShown", {
      results: worded(total === 1 ? "resultsOne" : "resultsOther", { count: total, query }),
      shown: shown.length,
    });
}

form.addEventListener("submit", (event) => { event.preventDefault(); run(0); });
input.addEventListener("input", () => run(250));
typeSelect.addEventListener("change", () => run(0));
document.documentElement.dataset.searchReady = "true";
run(0);
