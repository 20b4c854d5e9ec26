// Cordon console: draws the Map with Cytoscape.js (served from the jar, see docs/console.md) from the elements the
// server computed (the #map element's data-elements), and loads a group's or a link's panel (htmx) on a click.
(function () {
  "use strict";
  var COLOURS = {allowed: "#1e7a3c", potentially_blocked: "#e08a00", blocked: "#b3261e", unknown: "#9aa1ad"};

  function draw() {
    var el = document.getElementById("map");
    if (!el || typeof cytoscape !== "function") return;
    var elements = JSON.parse(el.getAttribute("data-elements"));
    var panel = el.getAttribute("data-panel");
    var cy = cytoscape({
      container: el,
      elements: elements,
      wheelSensitivity: 0.3,
      // a small map is not blown up to fill the frame, nor a large one shrunk past reading
      maxZoom: 1.5,
      minZoom: 0.1,
      style: [
        {selector: "node", style: {"shape": "round-rectangle", "background-color": "#f2f5fa", "border-width": 2,
          "border-color": "#17202e", "label": "data(label)", "text-wrap": "wrap", "text-valign": "center",
          "text-halign": "center", "font-size": 13, "width": "label", "height": "label", "padding": "10px", "color": "#1d2430"}},
        {selector: "node[mode = 'visibility_only']", style: {"border-style": "dashed", "border-color": "#b35c00"}},
        {selector: "node[mode = 'selective'], node[mode = 'idle']", style: {"border-style": "dotted"}},
        {selector: "node[mode = 'mixed']", style: {"border-style": "double", "border-width": 4}},
        {selector: "node[mode = 'unmanaged'], node[mode = 'outside']", style: {"border-color": "#9aa1ad", "background-color": "#fafbfc"}},
        {selector: "node[mode = 'outside']", style: {"shape": "ellipse"}},
        {selector: "edge", style: {"width": 2.5, "curve-style": "bezier", "target-arrow-shape": "triangle",
          "line-color": COLOURS.unknown, "target-arrow-color": COLOURS.unknown, "label": "data(label)", "font-size": 11,
          "text-background-color": "#fff", "text-background-opacity": 0.8, "color": "#6b7380"}},
        {selector: "edge[decision = 'allowed']", style: {"line-color": COLOURS.allowed, "target-arrow-color": COLOURS.allowed}},
        {selector: "edge[decision = 'potentially_blocked']", style: {"line-color": COLOURS.potentially_blocked, "target-arrow-color": COLOURS.potentially_blocked}},
        {selector: "edge[decision = 'blocked']", style: {"line-color": COLOURS.blocked, "target-arrow-color": COLOURS.blocked}},
        {selector: ":selected", style: {"overlay-color": "#1f5fbf", "overlay-opacity": 0.15}},
        {selector: "edge:loop", style: {"loop-direction": "0deg", "loop-sweep": "-50deg", "control-point-step-size": 70}}
      ],
      layout: {name: elements.length > 1 ? "cose" : "grid", animate: false, randomize: false, nodeRepulsion: 4500,
        idealEdgeLength: 90, gravity: 60, nodeOverlap: 20, padding: 40}
    });
    cy.on("tap", "node", function (e) {
      htmx.ajax("GET", panel + "&group=" + encodeURIComponent(e.target.id()), {target: "#map-panel", swap: "innerHTML"});
    });
    cy.on("tap", "edge", function (e) {
      htmx.ajax("GET", panel + "&link=" + encodeURIComponent(e.target.id()), {target: "#map-panel", swap: "innerHTML"});
    });
    window.cordonMap = cy;
    el.setAttribute("data-drawn", String(cy.nodes().length));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
