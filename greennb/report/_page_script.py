"""The interactive report's own JavaScript and CSS: sorting, filters, plots and the comparison.

Small vanilla JavaScript, written by hand: a table sorter and three select filters are a few
dozen lines, and a framework (or DataTables, List.js, checked) would be one more bundle to
inline for them. It reads the page's data (``<script type="application/json"
id="report-data">``): ``hover`` (each table row's hover text, by its ``data-row``, its lines
apart by newlines), ``figures`` (the plotly panels, drawn here with ``Plotly.newPlot``),
``common`` and ``runs`` (each run's summary, :func:`greennb.report._compare.run_summary`,
compact: :mod:`greennb.report._page_data`) and ``noise`` (the run-to-run noise floor).

- Sorting: a click on a ``<th data-column>`` sorts the rows by that column, numerically when
  every non-empty cell is a number, else alphabetically, empty cells last; a second click
  reverses; the header gets ``data-sorted="asc"`` or ``"desc"``.
- Filters: ``#filter-case``, ``#filter-dataset``, ``#filter-model`` hide the other rows
  (``style.display = "none"``), redraw every panel with the points of the shown rows only
  (``Plotly.react``; a panel left without points is hidden) and update ``#shown-count``.
- Comparison: ``#compare-a`` and ``#compare-b`` fill ``#compare-result`` with the rule of
  :func:`greennb.report.compare_runs`: a row per parameter that differs, then per model in
  both runs a row per quantity (quality, R, energy) with A, B and the change (B − A; for
  energy B / A and the verdict of :func:`greennb.energy.compare_energy`: beyond the noise
  floor only, "no measurable difference" within it). A side measured on a shared machine
  gets no verdict here (``greennb compare`` gives it, with the raised floor).
"""

#: The page's style sheet.
PAGE_CSS = """
body{font-family:sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;font-size:82%}
td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
#runs th{cursor:pointer;background:#f4f4f4;position:sticky;top:0}
#runs th[data-sorted=asc]::after{content:" \\25B2"}
#runs th[data-sorted=desc]::after{content:" \\25BC"}
.filters{margin:1em 0;padding:.5em;background:#f8f8f8;border:1px solid #ddd}
.filters label{margin-right:1.5em}
.plots{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:10px}
.tradeoff-plot{border:1px solid #eee;min-height:420px}
.table-wrap{max-height:70vh;overflow:auto}
.note{max-width:60em}
"""

#: The page's script, run at the end of the body (after the data and the panels' divs).
PAGE_SCRIPT = r"""
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("report-data").textContent);
  var table = document.getElementById("runs");
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var PLOTLY_CONFIG = {displaylogo: false, responsive: true};
  var hover = DATA.hover.map(function (text) { return text.split("\n").join("<br>"); });

  function isNumber(text) { return text !== "" && isFinite(Number(text)); }

  function sortBy(th) {
    var index = th.cellIndex;
    var descending = th.getAttribute("data-sorted") === "asc";
    headers.forEach(function (h) { h.removeAttribute("data-sorted"); });
    th.setAttribute("data-sorted", descending ? "desc" : "asc");
    var texts = rows.map(function (r) { return r.cells[index].textContent.trim(); });
    var numeric = texts.every(function (t) { return t === "" || isNumber(t); });
    var sign = descending ? -1 : 1;
    var order = rows.map(function (r, i) { return i; });
    order.sort(function (a, b) {
      var x = texts[a], y = texts[b];
      if (x === "" || y === "") { return x === y ? a - b : (x === "" ? 1 : -1); }
      var c = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      return c !== 0 ? sign * c : a - b;
    });
    rows = order.map(function (i) { return rows[i]; });
    var fragment = document.createDocumentFragment();
    rows.forEach(function (r) { fragment.appendChild(r); });
    body.appendChild(fragment);
  }
  headers.forEach(function (th) {
    th.addEventListener("click", function () { sortBy(th); });
  });

  function withText(trace) {
    var copy = Object.assign({}, trace);
    copy.text = (trace.customdata || []).map(function (row) { return hover[row]; });
    return copy;
  }

  var plots = DATA.figures.map(function (figure) {
    var div = document.getElementById(figure.id);
    var traces = figure.data.map(withText);
    Plotly.newPlot(div, traces, figure.layout, PLOTLY_CONFIG);
    return {div: div, traces: traces, layout: figure.layout};
  });

  function keepPoints(trace, shown) {
    var keep = [];
    (trace.customdata || []).forEach(function (row, i) { if (shown.has(row)) { keep.push(i); } });
    var pick = function (values) { return keep.map(function (i) { return values[i]; }); };
    var copy = Object.assign({}, trace, {x: pick(trace.x), y: pick(trace.y),
      customdata: pick(trace.customdata), text: pick(trace.text)});
    if (trace.error_x) {
      copy.error_x = Object.assign({}, trace.error_x, {array: pick(trace.error_x.array),
        arrayminus: pick(trace.error_x.arrayminus)});
    }
    return copy;
  }

  function redraw(plot, shown) {
    var traces = plot.traces.map(function (t) { return keepPoints(t, shown); });
    var points = traces.reduce(function (n, t) { return n + t.x.length; }, 0);
    var wasHidden = plot.div.style.display === "none";
    plot.div.style.display = points ? "" : "none";
    Plotly.react(plot.div, traces, plot.layout, PLOTLY_CONFIG);
    if (points && wasHidden) { Plotly.Plots.resize(plot.div); }
  }

  var filters = ["case", "dataset", "model"].map(function (name) {
    return {name: name, select: document.getElementById("filter-" + name)};
  });
  function applyFilters() {
    var shown = new Set();
    rows.forEach(function (row) {
      var keep = filters.every(function (f) {
        return f.select.value === "" || row.getAttribute("data-" + f.name) === f.select.value;
      });
      row.style.display = keep ? "" : "none";
      if (keep) { shown.add(Number(row.getAttribute("data-row"))); }
    });
    document.getElementById("shown-count").textContent = String(shown.size);
    plots.forEach(function (plot) { redraw(plot, shown); });
  }
  filters.forEach(function (f) { f.select.addEventListener("change", applyFilters); });

  function expandRun(run) {
    var columns = run.models, keys = Object.keys(columns);
    var models = keys.length ? columns[keys[0]].map(function (_, i) {
      var model = {};
      keys.forEach(function (k) { model[k] = columns[k][i]; });
      return model;
    }) : [];
    return {run: run.run, case: run.case, models: models,
            parameters: Object.assign({}, DATA.common[run.case], run.parameters)};
  }
  var runs = {};
  DATA.runs.forEach(function (run) { runs[run.run] = expandRun(run); });
  var compareA = document.getElementById("compare-a");
  var compareB = document.getElementById("compare-b");
  var result = document.getElementById("compare-result").tBodies[0];

  // Like Python's f"{value:.4g}", as the table's cells are written.
  function format(value) {
    if (value === null || value === undefined) { return ""; }
    if (!isFinite(value)) { return String(value); }
    var exponent = value === 0 ? 0 : Math.floor(Math.log10(Math.abs(value)));
    if (exponent >= -4 && exponent < 4) { return String(Number(value.toPrecision(4))); }
    var parts = value.toExponential(3).split("e");
    var digits = parts[1].replace(/^[+-]/, "");
    return String(Number(parts[0])) + "e" + (parts[1][0] === "-" ? "-" : "+") +
      (digits.length < 2 ? "0" + digits : digits);
  }
  function ratioOf(a, b) { return b > 0 ? a / b : (a > 0 ? Infinity : 1); }

  function energyVerdict(a, b) {
    var bounds = [a.energy_low, a.energy_kwh, a.energy_high, b.energy_low, b.energy_kwh,
      b.energy_high];
    if (bounds.some(function (v) { return v === null; })) { return ""; }
    if (a.shared || b.shared) { return "no verdict here: machine shared (see greennb compare)"; }
    var same = a.energy_status === b.energy_status && a.device === b.device;
    var bandA = same ? [a.energy_kwh, a.energy_kwh] : [a.energy_low, a.energy_high];
    var bandB = same ? [b.energy_kwh, b.energy_kwh] : [b.energy_low, b.energy_high];
    var widen = Math.sqrt(1 + DATA.noise);
    if (bandB[1] * widen < bandA[0] / widen) { return "less"; }
    if (bandB[0] / widen > bandA[1] * widen) { return "more"; }
    return "no measurable difference";
  }

  function addRow(attributes, cells) {
    var tr = result.insertRow();
    Object.keys(attributes).forEach(function (k) { tr.setAttribute("data-" + k, attributes[k]); });
    cells.forEach(function (text) { tr.insertCell().textContent = text; });
  }

  function modelRows(a, b) {
    [[a.metric || "quality", "quality", a.unit], ["sri", "sri", ""],
     ["energy_kwh", "energy_kwh", "kWh"]].forEach(function (q) {
      var va = a[q[1]], vb = b[q[1]], change = "";
      if (va !== null && vb !== null) {
        var d = vb - va;
        change = (d > 0 ? "+" : "") + format(d);
        if (q[1] === "energy_kwh") {
          var verdict = energyVerdict(a, b);
          var words = verdict === "less" || verdict === "more" ? "B uses " + verdict + " energy"
            : verdict;
          change = format(ratioOf(vb, va)) + "\u00d7" + (words ? "; " + words : "");
        }
      }
      addRow({kind: "model", model: a.model, quantity: q[0]},
             [a.model + " \u00b7 " + q[0] + (q[2] ? " (" + q[2] + ")" : ""),
              format(va), format(vb), change]);
    });
  }

  function compare() {
    while (result.rows.length) { result.deleteRow(0); }
    var a = runs[compareA.value], b = runs[compareB.value];
    if (!a || !b) { return; }
    var names = Object.keys(Object.assign({}, a.parameters, b.parameters)).sort();
    names.forEach(function (name) {
      var va = a.parameters[name], vb = b.parameters[name];
      if (va !== vb) {
        addRow({kind: "parameter", parameter: name},
               [name, va === undefined ? "(unset)" : va, vb === undefined ? "(unset)" : vb,
                "differs"]);
      }
    });
    var inB = {};
    b.models.forEach(function (m) { inB[m.model] = m; });
    a.models.forEach(function (m) { if (inB[m.model]) { modelRows(m, inB[m.model]); } });
  }
  compareA.addEventListener("change", compare);
  compareB.addEventListener("change", compare);
  compare();
})();
"""
