// The counter page, live: follow the counter's event stream and refresh the regions that changed.
// Keyboard focus never moves. A whole region (data-key) that holds the focus is swapped only once the
// focus has left it; list regions (data-list) change item by item, so their live regions announce only
// what is new.
(() => {
  "use strict";

  const root = document.getElementById("queue-live");
  if (!root || !("EventSource" in window) || !window.fetch || !window.DOMParser) {
    return;
  }
  const status = document.getElementById("live-status");
  const deferred = new Map(); // region name -> fresh copy waiting for the focus to leave
  let version = root.dataset.version;
  let busy = false;
  let again = false;

  root.querySelectorAll("[data-without-script]").forEach((node) => { node.hidden = true; });
  root.querySelectorAll("[data-with-script]").forEach((node) => { node.hidden = false; });

  const holdsFocus = (node) => node.contains(document.activeElement) && document.activeElement !== document.body;

  function announce(text) {
    if (status && text) {
      status.textContent = "";
      window.setTimeout(() => { status.textContent = text; }, 50);
    }
  }

  function replaceWhole(current, fresh) {
    const name = current.dataset.region;
    if (holdsFocus(current)) {
      deferred.set(name, fresh);
      return;
    }
    deferred.delete(name);
    current.replaceWith(document.importNode(fresh, true));
  }

  function syncList(current, fresh) {
    const existing = new Map([...current.children].map((node) => [node.dataset.key, node]));
    let cursor = current.firstElementChild;
    for (const item of [...fresh.children]) {
      let node = existing.get(item.dataset.key);
      existing.delete(item.dataset.key);
      if (node && node.outerHTML !== item.outerHTML && !holdsFocus(node)) {
        const copy = document.importNode(item, true);
        if (node === cursor) {
          cursor = copy;
        }
        node.replaceWith(copy);
        node = copy;
      }
      if (!node) {
        node = document.importNode(item, true);
      }
      if (node === cursor) {
        cursor = cursor.nextElementSibling;
      } else {
        current.insertBefore(node, cursor);
      }
    }
    existing.forEach((node) => { if (!holdsFocus(node)) { node.remove(); } });
  }

  function apply(fresh) {
    const replaced = [];
    for (const region of fresh.querySelectorAll("[data-region]")) {
      if (replaced.some((outer) => outer.contains(region))) {
        continue; // came along with its whole region
      }
      const current = root.querySelector(`[data-region="${region.dataset.region}"]`);
      if (!current) {
        continue;
      }
      if ("list" in region.dataset) {
        syncList(current, region);
      } else if (current.dataset.key !== region.dataset.key) {
        const before = (deferred.get(region.dataset.region) || current).dataset.key;
        if (before !== region.dataset.key) {
          announce(region.dataset.announce);
        }
        replaceWhole(current, region);
        replaced.push(region);
      } else {
        deferred.delete(region.dataset.region);
      }
    }
  }

  async function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      const response = await fetch(root.dataset.regions, { credentials: "same-origin", cache: "no-store" });
      if (response.ok) {
        const html = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = html.querySelector("[data-version]");
        if (fresh) {
          version = fresh.dataset.version;
          apply(fresh);
        }
      }
    } catch (error) {
      // the next event tries again
    } finally {
      busy = false;
      if (again) {
        again = false;
        refresh();
      }
    }
  }

  function flushDeferred() {
    deferred.forEach((fresh, name) => {
      const current = root.querySelector(`[data-region="${name}"]`);
      if (!current) {
        deferred.delete(name);
      } else if (!holdsFocus(current)) {
        replaceWhole(current, fresh);
      }
    });
  }
  document.addEventListener("focusin", flushDeferred);
  document.addEventListener("focusout", () => window.setTimeout(flushDeferred, 0));

  const stream = new EventSource(root.dataset.stream);
  stream.addEventListener("change", (event) => {
    const data = JSON.parse(event.data);
    if (data.version !== version) {
      refresh();
    }
  });
  window.addEventListener("pagehide", () => stream.close());
})();
