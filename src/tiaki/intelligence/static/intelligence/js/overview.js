/* Overview map of the largest networks (sigma.js on WebGL + graphology). Positions come from the server
   (igraph DrL), so the browser only draws; the server sends only entities the user may see. */
(function () {
  "use strict";
  var box = document.getElementById("overview");
  if (!box || typeof Sigma !== "function" || typeof graphology === "undefined") { return; }
  var palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];
  fetch(box.dataset.url, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (data) {
      var graph = new graphology.Graph({ type: "undirected", multi: false });
      data.nodes.forEach(function (n) {
        graph.addNode(String(n.id), { x: n.x, y: n.y, label: n.label, size: 4 + 10 * n.betweenness,
          color: palette[n.community % palette.length] });
      });
      data.edges.forEach(function (e) {
        var a = String(e[0]), b = String(e[1]);
        if (!graph.hasEdge(a, b)) { graph.addEdge(a, b, { color: "#b0b0b0", size: 0.5 }); }
      });
      var renderer = new Sigma(graph, box, { labelRenderedSizeThreshold: 8 });
      renderer.on("clickNode", function (event) {
        window.location.href = box.dataset.entityBase.replace(/\/0\/$/, "/" + event.node + "/");
      });
      box.dataset.state = "ready";
      box.dataset.nodes = String(graph.order);
      window.tiakiOverview = renderer;
    })
    .catch(function () { box.dataset.state = "error"; });
})();
