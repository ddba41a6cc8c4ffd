/* Link chart for an entity's ego network (Cytoscape.js). Data comes only from the server's graph endpoint,
   which sends nothing the user may not see; this file only draws it. */
(function () {
  "use strict";
  var box = document.getElementById("linkchart");
  if (!box || typeof cytoscape !== "function") { return; }
  var form = document.getElementById("chart-filters");
  var status = document.getElementById("chart-status");
  var selection = document.getElementById("chart-selection");
  // Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
  var palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];
  var shapes = { person: "ellipse", phone: "diamond", agency: "round-rectangle", organisation: "rectangle",
    address: "triangle", document: "tag", vehicle: "hexagon", bank_account: "barrel", handle: "star" };
  var expandedBy = {};  // node id -> ids of nodes its expansion added
  var nextColour = 0;  // the next palette slot for a community not yet on the chart

  function params(hops) {
    var query = new URLSearchParams(new FormData(form));
    if (hops) { query.set("hops", hops); }
    return query.toString();
  }
  function urlFor(entity) { return box.dataset.graphBase.replace(/\/0\/graph\.json$/, "/" + entity + "/graph.json"); }
  function say(text) { status.textContent = text; }
  function counts() {
    return (box.dataset.countLabel || "{nodes} / {edges}")
      .replace("{nodes}", cy.nodes().length).replace("{edges}", cy.edges().length);
  }

  var cy = cytoscape({
    container: box,
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: {
        "background-color": function (n) { return palette[n.data("colour") % palette.length]; },
        "shape": function (n) { return shapes[n.data("kind")] || "ellipse"; },
        "width": "mapData(betweenness, 0, 1, 22, 70)", "height": "mapData(betweenness, 0, 1, 22, 70)",
        "label": "data(label)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 4,
        "color": "#1a1a1a", "text-background-color": "#fff", "text-background-opacity": 0.8 } },
      { selector: "node[?centre]", style: { "border-width": 4, "border-color": "#1a1a1a" } },
      { selector: "node:selected", style: { "border-width": 5, "border-color": "#ffbf47" } },
      { selector: "edge", style: {
        "width": "mapData(confidence, 0, 1, 1, 4)", "line-color": "#6b6b6b", "target-arrow-color": "#6b6b6b",
        "target-arrow-shape": "triangle", "curve-style": "bezier", "label": "data(label)", "font-size": 9,
        "color": "#3d3d3d", "text-rotation": "autorotate" } }
    ]
  });

  /* Colours stay put while the chart grows. Each expansion's communities are computed on that expansion's own
     subgraph, so its community numbers mean nothing on the chart: a community takes the colour most of its
     nodes already had (the expanded node's on a tie), and a community new to the chart takes a new colour.
     A node keeps its colour when it is collapsed and expanded again; "Apply filters" starts afresh. */
  var known = {};  // node id -> colour, for every node drawn since the chart was last loaded
  function colour(nodes, expanding) {
    var votes = {};
    nodes.forEach(function (n) {
      var had = known[n.data.id];
      if (had === undefined) { return; }
      var tally = votes[n.data.community] = votes[n.data.community] || {};
      tally[had] = (tally[had] || 0) + (n.data.id === expanding ? 1.5 : 1);
    });
    var chosen = {};
    nodes.forEach(function (n) {
      var c = n.data.community;
      if (chosen[c] === undefined) {
        var tally = votes[c] || {};
        var best = null;
        Object.keys(tally).forEach(function (k) { if (best === null || tally[k] > tally[best]) { best = k; } });
        chosen[c] = best === null ? nextColour++ : Number(best);
      }
      if (cy.getElementById(n.data.id).empty()) { n.data.colour = chosen[c]; known[n.data.id] = chosen[c]; }
    });
  }

  function layout() {
    box.dataset.state = "busy";  // tests and assistive tooling can wait for "ready"
    var running = cy.layout({ name: "cose", animate: false, randomize: false, nodeRepulsion: 9000 });
    running.one("layoutstop", function () { box.dataset.state = "ready"; });
    running.run();
  }

  function load() {
    say(box.dataset.loading || "…");
    fetch(box.dataset.graphUrl + "?" + params(), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        cy.elements().remove();
        expandedBy = {};
        nextColour = 0;
        known = {};
        colour(data.nodes, null);
        cy.add(data.nodes.concat(data.edges));
        layout();
        say(counts());
      })
      .catch(function (e) { say((box.dataset.errorLabel || "Error") + " " + e.message); });
  }

  function expand(node) {
    var entity = node.data("entity");
    fetch(urlFor(entity) + "?" + params(1), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        var added = [];
        colour(data.nodes, node.id());
        data.nodes.forEach(function (n) {
          if (cy.getElementById(n.data.id).empty()) { n.data.centre = false; cy.add(n); added.push(n.data.id); }
        });
        data.edges.forEach(function (e) { if (cy.getElementById(e.data.id).empty()) { cy.add(e); } });
        expandedBy[node.id()] = added;
        layout();
        say(counts());
      })
      .catch(function (e) { say((box.dataset.errorLabel || "Error") + " " + e.message); });
  }

  function collapse(node) {
    var added = expandedBy[node.id()] || [];
    delete expandedBy[node.id()];
    added.forEach(function (id) {
      var n = cy.getElementById(id);
      if (expandedBy[id]) { collapse(n); }
      n.remove();
    });
    box.dataset.state = "ready";
    say(counts());
  }

  function show(node) {
    selection.textContent = "";
    var p = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = node.data("reference") + " " + node.data("label");
    p.appendChild(strong);
    var link = document.createElement("a");
    link.href = node.data("url");
    link.textContent = " → " + (box.dataset.openLabel || "open");
    p.appendChild(link);
    selection.appendChild(p);
  }

  cy.on("tap", "node", function (event) {
    var node = event.target;
    show(node);
    if (expandedBy[node.id()]) { collapse(node); } else { expand(node); }
  });

  form.addEventListener("submit", function (event) { event.preventDefault(); load(); });
  document.getElementById("chart-png").addEventListener("click", function () {
    var a = document.createElement("a");
    a.href = cy.png({ full: true, bg: "#ffffff", scale: 2 });
    a.download = "link-chart.png";
    document.body.appendChild(a);
    a.click();
    a.remove();
  });
  document.getElementById("chart-svg").addEventListener("click", function () {
    // cytoscape-svg draws the chart with Cytoscape's own renderer into an SVG context: what is on the chart
    // (and nothing else) in the same positions and styles, labels as text.
    var blob = new Blob([cy.svg({ full: true, bg: "#ffffff" })], { type: "image/svg+xml;charset=utf-8" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "link-chart.svg";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
  });
  window.tiakiLinkChart = cy;  // for browser tests and for analysts' own console use
  load();
})();
