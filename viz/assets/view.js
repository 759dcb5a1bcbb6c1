/* fengong view page: draws the graph held in #fg-data with vis-network, offline.
 *
 * Every text from the documents reaches the page as JSON data and is put into
 * the DOM with textContent only (tooltips are DOM elements, not HTML strings).
 * window.fengong exposes the network and a few actions for tests and power users.
 */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("fg-data").textContent);
  var T = DATA.chrome;
  var container = document.getElementById("fg-graph");
  var statusEl = document.getElementById("fg-status");
  var api = (window.fengong = { ready: false, data: DATA });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function fill(template, fields) {
    return template.replace(/\{(\w+)\}/g, function (m, k) { return k in fields ? fields[k] : m; });
  }

  function fold(s) {
    return String(s).normalize("NFKC").toLowerCase().trim();
  }

  /* A tooltip (or details panel body) from names and [label, value] facts. */
  function describe(fg) {
    var box = el("div", "fg-tip");
    (fg.names || []).forEach(function (name, i) {
      box.appendChild(el(i ? "span" : "strong", "fg-tip-name", name));
    });
    (fg.facts || []).forEach(function (fact) {
      var row = el("div", "fg-tip-row");
      row.appendChild(el("span", "fg-tip-key", fact[0]));
      var value = fact[1];
      if (Array.isArray(value)) {
        if (!value.length) {
          row.appendChild(el("span", "fg-tip-val", "—"));
        } else {
          var ul = el("ul");
          value.forEach(function (v) { ul.appendChild(el("li", null, v)); });
          row.appendChild(ul);
        }
      } else {
        row.appendChild(el("span", "fg-tip-val", value));
      }
      box.appendChild(row);
    });
    return box;
  }

  // Remember how each node and edge looks, to restore it after highlighting.
  var baseNode = {}, baseEdge = {};
  DATA.nodes.forEach(function (n) {
    n.title = describe(n.fg);
    baseNode[n.id] = { color: n.color, font: n.font || { color: DATA.fontColor } };
  });
  DATA.edges.forEach(function (e) {
    if (e.fg && e.fg.facts && e.fg.facts.length) e.title = describe(e.fg);
    baseEdge[e.id] = { color: e.color };
  });

  var nodes = new vis.DataSet(DATA.nodes);
  var edges = new vis.DataSet(DATA.edges);
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, DATA.options);
  api.network = network;
  api.nodes = nodes;
  api.edges = edges;

  // ---- layout: stop physics once stable, so large graphs stay responsive ----
  var loading = document.getElementById("fg-loading");
  var progress = document.getElementById("fg-progress");
  function markReady() {
    loading.hidden = true;
    api.ready = true;
    document.body.setAttribute("data-ready", "1");
  }
  if (DATA.options.physics && DATA.options.physics.enabled) {
    loading.hidden = false;
    network.on("stabilizationProgress", function (p) { progress.value = Math.round((100 * p.iterations) / p.total); });
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.fit();
      markReady();
    });
  } else {
    network.once("afterDrawing", markReady);
  }

  // ---- neighbourhood highlight ----
  var highlighted = null;
  function highlight(id) {
    var keepNodes = {}, keepEdges = {};
    keepNodes[id] = true;
    network.getConnectedNodes(id).forEach(function (n) { keepNodes[n] = true; });
    network.getConnectedEdges(id).forEach(function (e) { keepEdges[e] = true; });
    nodes.update(nodes.getIds().map(function (n) {
      return keepNodes[n] ? { id: n, color: baseNode[n].color, font: baseNode[n].font }
                          : { id: n, color: DATA.dim, font: { color: DATA.dimFont } };
    }));
    edges.update(edges.getIds().map(function (e) {
      return { id: e, color: keepEdges[e] ? baseEdge[e].color : DATA.dim };
    }));
    highlighted = id;
  }
  function unhighlight() {
    if (highlighted === null) return;
    nodes.update(nodes.getIds().map(function (n) { return { id: n, color: baseNode[n].color, font: baseNode[n].font }; }));
    edges.update(edges.getIds().map(function (e) { return { id: e, color: baseEdge[e].color }; }));
    highlighted = null;
  }

  // ---- details panel ----
  var details = document.getElementById("fg-details");
  var detailsHead = details.querySelector("h2");
  function showDetails(fg) {
    while (details.lastChild !== detailsHead) details.removeChild(details.lastChild);
    details.appendChild(fg ? describe(fg) : el("p", "fg-hint", T.details_hint));
  }

  network.on("click", function (params) {
    if (params.nodes.length && !network.isCluster(params.nodes[0])) {
      highlight(params.nodes[0]);
      showDetails(nodes.get(params.nodes[0]).fg);
    } else if (params.edges.length === 1 && edges.get(params.edges[0])) {
      unhighlight();
      showDetails(edges.get(params.edges[0]).fg);
    } else {
      unhighlight();
      showDetails(null);
    }
  });
  network.on("doubleClick", function (params) {
    if (params.nodes.length && network.isCluster(params.nodes[0])) network.openCluster(params.nodes[0]);
  });

  // ---- filters: node type (legend checkboxes), section, role, due year ----
  var selects = {
    sections: document.getElementById("fg-filter-section"),
    roles: document.getElementById("fg-filter-role"),
    years: document.getElementById("fg-filter-year"),
  };
  var typeBoxes = Array.prototype.slice.call(document.querySelectorAll("input[data-fg-type]"));

  function passes(fg, facet) {
    var sel = selects[facet];
    if (!sel || sel.value === "") return true;
    var values = (fg && fg[facet]) || [];
    if (!values.length) return true; // the facet does not apply to this node or edge
    for (var i = 0; i < values.length; i++) if (String(values[i]) === sel.value) return true;
    return false;
  }

  function applyFilters() {
    var types = {};
    typeBoxes.forEach(function (b) { types[b.getAttribute("data-fg-type")] = b.checked; });
    var shown = {};
    nodes.update(nodes.get().map(function (n) {
      var fg = n.fg;
      var ok = types[fg.type] !== false && passes(fg, "sections") && passes(fg, "roles") && passes(fg, "years");
      shown[n.id] = ok;
      return { id: n.id, hidden: !ok };
    }));
    edges.update(edges.get().map(function (e) {
      var ok = shown[e.from] && shown[e.to] && passes(e.fg, "sections") && passes(e.fg, "roles") && passes(e.fg, "years");
      return { id: e.id, hidden: !ok };
    }));
  }
  Object.keys(selects).forEach(function (k) { if (selects[k]) selects[k].addEventListener("change", applyFilters); });
  typeBoxes.forEach(function (b) { b.addEventListener("change", applyFilters); });

  function clearFilters() {
    Object.keys(selects).forEach(function (k) { if (selects[k]) selects[k].value = ""; });
    typeBoxes.forEach(function (b) { b.checked = true; });
    applyFilters();
  }

  // ---- search: Chinese or English name, alias, number ----
  function keysOf(list) { return list.map(fold); }
  var index = DATA.nodes.map(function (n) {
    return { id: n.id, keys: keysOf((n.fg.search || []).concat(n.fg.names || [])) };
  });
  // Agencies a capped agencies view leaves out: [name, keys, command]; search names them.
  var omitted = (DATA.omitted || []).map(function (o, i) {
    return { id: i, keys: keysOf(o[1].concat([o[0]])) };
  });
  /* The best entry of *entries* for *q*: {id, exact}, or null. Exact key, else prefix, else part. */
  function match(entries, q) {
    var prefix = null, part = null;
    for (var i = 0; i < entries.length; i++) {
      var keys = entries[i].keys;
      for (var j = 0; j < keys.length; j++) {
        if (keys[j] === q) return { id: entries[i].id, exact: true };
        if (prefix === null && keys[j].indexOf(q) === 0) prefix = entries[i].id;
        else if (part === null && keys[j].indexOf(q) > 0) part = entries[i].id;
      }
    }
    var id = prefix !== null ? prefix : part;
    return id === null ? null : { id: id, exact: false };
  }
  function find(query) {
    var q = fold(query);
    if (!q) return null;
    var hit = match(index, q);
    return hit ? hit.id : null;
  }
  /* An agency that is not drawn, when it matches *query* better than any drawn node: [name, keys, command]. */
  function findOmitted(query) {
    var q = fold(query);
    if (!q || !omitted.length) return null;
    var drawn = match(index, q);
    if (drawn && drawn.exact) return null;
    var hit = match(omitted, q);
    return hit && (hit.exact || !drawn) ? DATA.omitted[hit.id] : null;
  }
  function search(query) {
    var other = findOmitted(query);
    var id = other ? null : find(query);
    statusEl.classList.toggle("fg-miss", id === null);
    if (other) {
      statusEl.textContent = fill(T.not_drawn, { name: other[0], command: other[2] });
      return null;
    }
    if (id === null) {
      statusEl.textContent = query.trim() ? fill(T.not_found, { query: query.trim() }) : "";
      return null;
    }
    ungroup();
    if (nodes.get(id).hidden) clearFilters();
    network.selectNodes([id]);
    highlight(id);
    var fg = nodes.get(id).fg;
    showDetails(fg);
    statusEl.textContent = fill(T.found, { name: fg.name || id });
    network.focus(id, { scale: Math.max(network.getScale(), 1.1), animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    return id;
  }
  var box = document.getElementById("fg-search");
  box.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); search(box.value); } });
  box.addEventListener("change", function () { if (box.value) search(box.value); });
  document.getElementById("fg-find").addEventListener("click", function () { search(box.value); });

  // ---- grouping tasks by section (vis clusters) ----
  var groupBtn = document.getElementById("fg-group");
  var grouped = false;
  var clusters = [];
  function group() {
    (DATA.sections || []).forEach(function (s) {
      var join = function (o) { return o.fg && o.fg.section === s[0] && !o.hidden; };
      if (!nodes.get({ filter: join }).length) return;
      var cid = "fg-section-" + s[0];
      network.cluster({
        joinCondition: join,
        clusterNodeProperties: {
          id: cid, label: s[1], title: s[1], shape: "box", borderWidth: 2, allowSingleNodeCluster: true,
          color: { background: "#e8eef6", border: "#4e79a7" }, font: { size: 16, face: DATA.options.nodes.font.face },
        },
      });
      clusters.push(cid);
    });
    grouped = true;
    if (groupBtn) groupBtn.textContent = T.ungroup_sections;
  }
  function ungroup() {
    if (!grouped) return;
    clusters.forEach(function (cid) { if (network.isCluster(cid)) network.openCluster(cid); });
    clusters = [];
    grouped = false;
    if (groupBtn) groupBtn.textContent = T.group_sections;
  }
  if (groupBtn) groupBtn.addEventListener("click", function () { if (grouped) ungroup(); else group(); });

  document.getElementById("fg-fit").addEventListener("click", function () { network.fit({ animation: true }); });
  document.getElementById("fg-reset").addEventListener("click", function () {
    ungroup();
    clearFilters();
    unhighlight();
    network.unselectAll();
    showDetails(null);
    box.value = "";
    statusEl.textContent = "";
    network.fit();
  });

  api.find = find;
  api.findOmitted = findOmitted;
  api.search = search;
  api.applyFilters = applyFilters;
  api.highlight = highlight;
  api.group = group;
  api.ungroup = ungroup;
  api.clusters = function () { return clusters.slice(); };
})();
