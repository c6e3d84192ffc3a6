/*
 * flame.js - fgkit's flame graph interaction, embedded in every SVG that
 * fg-svg writes (after a "var fg_conf = {...}" line with the settings).
 *
 * Hover a frame for its details, click to zoom, click "Reset Zoom" or the
 * root to unzoom; Ctrl-F (or F3, or "Search") searches frame names with a
 * regular expression, Ctrl-I (or "ic") toggles ignore-case.  Zoom and
 * search are kept in the URL (?x=&y=&s=&i=), so a link shows the same view.
 *
 * Frames are read once from the document into arrays; a zoom touches only
 * the frames it shows and the ones it showed before, so large graphs stay
 * responsive.  Names are only ever set as text (textContent), never parsed
 * as markup.
 */
"use strict";

var fg = null;

function fg_el(id) { return document.getElementById(id); }

/* The frame's name and numbers from its title: "NAME (N unit, P%...)". */
function fg_parse_title(t) {
	var k = t.lastIndexOf(" (");
	var rest = t.slice(k + 2);
	return {
		name: k >= 0 ? t.slice(0, k) : t,
		samples: k >= 0 ? parseFloat(rest.slice(0, rest.indexOf(" ")).replace(/,/g, "")) : 0
	};
}

function init(evt) {
	var frames = fg_el("frames"), data = fg_el("fg-data"), i, n, top = [];
	fg = {
		frames: frames,
		details: fg_el("details"), matched: fg_el("matched"),
		unzoombtn: fg_el("unzoom"), searchbtn: fg_el("search"),
		icbtn: fg_el("ignorecase"),
		zoomed: -1, shown: [], created: [], term: null, ic: false,
		matches: null, hit: null, fills: null
	};
	if (data) fg_from_data(JSON.parse(data.textContent));
	else fg_from_elements(frames.children);
	n = fg.n;
	/* Frames come depth first, left to right: rebuild the tree. */
	for (i = 0; i < n; i++) {
		var d = fg.depth[i];
		while (top.length > d) fg.end[top.pop()] = i - 1;
		fg.parent[i] = top.length ? top[top.length - 1] : -1;
		top.push(i);
	}
	while (top.length) fg.end[top.pop()] = n - 1;
	if (!data) {
		/* Self: the count minus the drawn children's, unless the title
		   says (data-self, where narrow children were left out). */
		var kidsum = new Float64Array(n);
		for (i = 1; i < n; i++) kidsum[fg.parent[i]] += fg.samples[i];
		for (i = 0; i < n; i++)
			if (isNaN(fg.self[i])) fg.self[i] = fg.samples[i] - kidsum[i];
	}

	frames.addEventListener("mouseover", fg_over);
	frames.addEventListener("mouseout", fg_out);
	frames.addEventListener("click", fg_click);
	fg.unzoombtn.addEventListener("click", function () { fg_unzoom(true); });
	fg.searchbtn.addEventListener("click", function () {
		if (fg.term !== null) fg_reset_search(true); else fg_search_prompt();
	});
	fg.icbtn.addEventListener("click", fg_toggle_ic);
	window.addEventListener("keydown", fg_key);
	fg_restore_url();
	if (!fg_conf.inverted) fg_show_root(frames.ownerSVGElement);
}

/*
 * A flame graph taller than the window opens on its top, which deep stacks
 * leave empty: scroll to the bottom, where the root and the details line
 * are (an icicle's root is on top already).  Only for the document's own
 * viewport, and not over a position the browser restored.
 */
function fg_show_root(svg) {
	var y;
	if (!svg || svg !== document.documentElement || window.scrollY !== 0) return;
	y = svg.getBoundingClientRect().bottom - window.innerHeight;
	if (y > 0) window.scrollTo(window.scrollX, y);
}

function fg_alloc(n) {
	fg.n = n;
	fg.el = new Array(n);
	fg.x = new Float64Array(n); fg.w = new Float64Array(n);
	fg.y = new Float64Array(n); fg.h = new Float64Array(n);
	fg.samples = new Float64Array(n); fg.self = new Float64Array(n);
	fg.depth = new Int32Array(n); fg.parent = new Int32Array(n);
	fg.end = new Int32Array(n);
	fg.names = new Array(n); fg.titles = new Array(n);
}

/* Every frame is an element: read them. */
function fg_from_elements(kids) {
	var i, n = kids.length, root_y;
	fg_alloc(n);
	for (i = 0; i < n; i++) {
		var g = kids[i], r = g.querySelector("rect"), t = g.querySelector("title");
		var p = fg_parse_title(t.textContent);
		g.fgi = i;
		fg.el[i] = g;
		fg.x[i] = parseFloat(r.getAttribute("x"));
		fg.w[i] = parseFloat(r.getAttribute("width"));
		fg.y[i] = parseFloat(r.getAttribute("y"));
		fg.h[i] = parseFloat(r.getAttribute("height")) + 1;
		fg.names[i] = p.name;
		fg.titles[i] = t.textContent;
		/* With a unit the title shows "3.28s": the count is data-n. */
		fg.samples[i] = t.hasAttribute("data-n") ?
			parseFloat(t.getAttribute("data-n")) : p.samples;
		fg.self[i] = t.hasAttribute("data-self") ?
			parseFloat(t.getAttribute("data-self")) : NaN;
	}
	root_y = n ? fg.y[0] : 0;
	for (i = 0; i < n; i++)
		fg.depth[i] = Math.round(Math.abs(fg.y[i] - root_y) / fg.h[i]);
}

/* A large graph: all frames in the data block, the widest as elements. */
function fg_from_data(d) {
	var k = d.k, f = d.frames, n = f.length / k, i, j = 0, kids = fg.frames.children;
	var fh = fg_conf.frameheight;
	fg_alloc(n);
	fg.fill = new Int32Array(n);
	fg.delta = k > 8 ? new Float64Array(n) : null;
	for (i = 0; i < n; i++) {
		var o = i * k, depth = f[o];
		fg.depth[i] = depth;
		fg.x[i] = f[o + 1];
		fg.w[i] = f[o + 2];
		fg.samples[i] = f[o + 3];
		fg.self[i] = f[o + 4];
		fg.names[i] = d.names[f[o + 5]];
		fg.fill[i] = f[o + 6];
		fg.y[i] = fg_conf.rooty + (fg_conf.inverted ? depth * fh : -depth * fh);
		fg.h[i] = fh;
		if (fg.delta) fg.delta[i] = f[o + 8];
		if (f[o + 7] && j < kids.length) {
			fg.el[i] = kids[j];
			kids[j++].fgi = i;
		} else {
			fg.el[i] = null;
		}
	}
}

function fg_title(i) {
	var t = fg.titles[i], pct;
	if (t !== undefined) return t;
	pct = i === 0 ? "100" : (100 * fg.samples[i] / fg.samples[0]).toFixed(2);
	t = fg.names[i] + " (" + fg_value(fg.samples[i]) + ", " + pct + "%";
	if (fg.delta && i > 0)
		t += "; " + (fg.delta[i] > 0 ? "+" : "") + fg.delta[i].toFixed(2) + "%";
	return fg.titles[i] = t + ")";
}

/* An element for a frame drawn only from the data block. */
function fg_create(i) {
	var ns = "http://www.w3.org/2000/svg", g = document.createElementNS(ns, "g");
	var t = document.createElementNS(ns, "title"), r = document.createElementNS(ns, "rect");
	t.textContent = fg_title(i);
	r.setAttribute("y", String(fg.y[i]));
	r.setAttribute("height", (fg.h[i] - 1).toFixed(1));
	r.setAttribute("fill", fg.hit && fg.hit[i] ? fg_conf.searchcolor : fg_rgb(fg.fill[i]));
	r.setAttribute("rx", "2");
	r.setAttribute("ry", "2");
	g.appendChild(t);
	g.appendChild(r);
	g.fgi = i;
	fg.frames.appendChild(g);
	fg.el[i] = g;
	fg.created.push(i);
	return g;
}

function fg_index(e) {
	var t = e.target;
	while (t && t.parentNode !== fg.frames) t = t.parentNode;
	return t ? t.fgi : undefined;
}

function fg_rgb(c) {
	return "rgb(" + (c >> 16) + "," + ((c >> 8) & 255) + "," + (c & 255) + ")";
}

function fg_fmt(v) {
	return Math.round(v).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/*
 * A count as fg-svg shows it: "1,234 samples", or with a time or size unit
 * scaled as pprof does ("3.28s", "512.01kB": the largest unit that keeps the
 * value at 1 or more, two decimals, ".00" dropped).
 */
function fg_value(v) {
	var u = fg_conf.unit, b, f = 0, name = "", i, s;
	if (!u) return fg_fmt(v) + " " + fg_conf.countname;
	b = Math.abs(v) * u.f;
	for (i = 0; i < u.s.length; i++)
		if (u.s[i][1] >= f && b / u.s[i][1] >= 1) { f = u.s[i][1]; name = u.s[i][0]; }
	if (f === 0) { f = u.s[u.d][1]; name = u.s[u.d][0]; }
	s = ((v < 0 ? -b : b) / f).toFixed(2).replace(/\.00$/, "");
	return s === "0" || s === "-0" ? "0" : s + name;
}

function fg_over(e) {
	var i = fg_index(e), s;
	if (i === undefined) return;
	s = fg_conf.nametype + " " + fg_title(i) + "; self " + fg_value(fg.self[i]);
	if (fg.zoomed > 0 && fg.samples[fg.zoomed] > 0 && fg.depth[i] >= fg.depth[fg.zoomed])
		s += "; " + (100 * fg.samples[i] / fg.samples[fg.zoomed]).toFixed(2) +
			"% of the zoomed frame";
	fg.details.textContent = s;
}

function fg_out(e) {
	if (fg_index(e) !== undefined) fg.details.textContent = " ";
}

function fg_click(e) {
	var i = fg_index(e);
	if (i === undefined) return;
	if (i === 0 || i === fg.zoomed) { if (i === 0) fg_unzoom(true); return; }
	fg_zoom(i, true);
	fg_over(e);	/* the details now have the zoomed share */
}

/* The label for a name in w pixels, as fg-svg draws it. */
function fg_label(name, w) {
	var chars = Math.floor(w / (fg_conf.fontsize * fg_conf.fontwidth)), c;
	if (!(chars >= 3)) return "";
	c = Array.from(name);
	if (c.length <= chars) return name;
	if (fg_conf.truncleft) return ".." + c.slice(c.length - (chars - 2)).join("");
	return c.slice(0, chars - 2).join("") + "..";
}

/* Draw frame i at x, width w (pixels). */
function fg_place(i, x, w) {
	var g = fg.el[i], r, t, label;
	if (!g) {
		if (w < fg_conf.dommin) return false;
		g = fg_create(i);
	}
	r = g.querySelector("rect");
	t = g.querySelector("text");
	label = i === 0 ? "" : fg_label(fg.names[i], w);
	r.setAttribute("x", x.toFixed(1));
	r.setAttribute("width", w.toFixed(1));
	if (!t) {
		if (label === "") return true;
		t = document.createElementNS("http://www.w3.org/2000/svg", "text");
		t.setAttribute("y", (fg.y[i] + (fg.h[i] - 1) / 2 + 3).toString());
		g.appendChild(t);
	}
	t.setAttribute("x", (x + 3).toFixed(2));
	t.textContent = label;
	return true;
}

function fg_unzoom(update) {
	var k, i;
	for (k = 0; k < fg.shown.length; k++) {
		i = fg.shown[k];
		fg.el[i].classList.remove("z", "parent");
		fg_place(i, fg.x[i], fg.w[i]);
	}
	for (k = 0; k < fg.created.length; k++) {
		i = fg.created[k];
		fg.el[i].remove();
		fg.el[i] = null;
	}
	fg.shown = [];
	fg.created = [];
	fg.zoomed = -1;
	fg.frames.classList.remove("zoomed");
	fg.unzoombtn.classList.add("hide");
	if (update) fg_update_url();
}

function fg_zoom(i, update) {
	var full = fg_conf.width - 2 * fg_conf.xpad, scale, j, x0 = fg.x[i];
	fg_unzoom(false);
	if (!(fg.w[i] > 0)) return;
	scale = full / fg.w[i];
	for (j = fg.parent[i]; j >= 0; j = fg.parent[j]) {
		if (!fg_place(j, fg_conf.xpad, full)) continue;
		fg.el[j].classList.add("z", "parent");
		fg.shown.push(j);
	}
	for (j = i; j <= fg.end[i]; j++) {
		if (!fg_place(j, fg_conf.xpad + (fg.x[j] - x0) * scale, fg.w[j] * scale))
			continue;
		fg.el[j].classList.add("z");
		fg.shown.push(j);
	}
	fg.zoomed = i;
	fg.frames.classList.add("zoomed");
	fg.unzoombtn.classList.remove("hide");
	if (update) fg_update_url();
}

function fg_key(e) {
	if (e.key === "F3" || ((e.ctrlKey || e.metaKey) && (e.key === "f" || e.key === "F"))) {
		e.preventDefault();
		fg_search_prompt();
	} else if ((e.ctrlKey || e.metaKey) && (e.key === "i" || e.key === "I")) {
		e.preventDefault();
		fg_toggle_ic();
	}
}

function fg_toggle_ic() {
	fg.ic = !fg.ic;
	fg.icbtn.classList.toggle("show", fg.ic);
	if (fg.term !== null) fg_search(fg.term, true);
	else fg_update_url();
}

function fg_search_prompt() {
	var term = prompt("Enter a search term (regexp allowed, eg: ^ext4_)" +
		(fg.ic ? ", ignoring case" : "") + "\n(Ctrl-I toggles ignore-case)", "");
	if (term !== null && term !== "") fg_search(term, true);
}

function fg_reset_search(update) {
	var i;
	if (fg.matches) {
		for (i = 0; i < fg.matches.length; i++) {
			var j = fg.matches[i], c = fg.fills[i];
			if (!fg.el[j]) continue;
			/* null: drawn since the search, from the data block */
			fg.el[j].querySelector("rect").setAttribute("fill", c !== null ? c : fg_rgb(fg.fill[j]));
		}
	}
	fg.matches = null;
	fg.hit = null;
	fg.fills = null;
	fg.term = null;
	fg.searchbtn.classList.remove("show");
	fg.searchbtn.textContent = "Search";
	fg.matched.textContent = " ";
	if (update) fg_update_url();
}

function fg_search(term, update) {
	var re, i, sum = 0, last = -1, pct;
	try {
		re = new RegExp(term, fg.ic ? "i" : "");
	} catch (err) {
		fg.matched.textContent = "Invalid regexp: " + term;
		return;
	}
	fg_reset_search(false);
	fg.term = term;
	fg.matches = [];
	fg.fills = [];
	fg.hit = new Uint8Array(fg.n);
	for (i = 0; i < fg.n; i++) {
		if (!re.test(fg.names[i])) continue;
		fg.hit[i] = 1;
		fg.matches.push(i);
		/* Count a match inside an earlier one only once. */
		if (i > last) { sum += fg.samples[i]; last = fg.end[i]; }
		if (!fg.el[i]) { fg.fills.push(null); continue; }
		var r = fg.el[i].querySelector("rect");
		fg.fills.push(r.getAttribute("fill"));
		r.setAttribute("fill", fg_conf.searchcolor);
	}
	fg.searchbtn.classList.add("show");
	fg.searchbtn.textContent = "Reset Search";
	pct = fg.n && fg.samples[0] > 0 ? 100 * sum / fg.samples[0] : 0;
	/* With a unit, the matched total too ("Matched: 1.21s, 36.9%"). */
	fg.matched.textContent = "Matched: " + (fg_conf.unit ? fg_value(sum) + ", " : "") +
		(pct === 100 ? "100" : pct.toFixed(1)) + "%";
	if (update) fg_update_url();
}

function fg_update_url() {
	var p, q;
	try {
		p = new URLSearchParams(window.location.search);
		["x", "y", "s", "i"].forEach(function (k) { p.delete(k); });
		if (fg.zoomed > 0) {
			p.set("x", fg.x[fg.zoomed].toFixed(1));
			p.set("y", String(fg.y[fg.zoomed]));
		}
		if (fg.term !== null) p.set("s", fg.term);
		if (fg.ic) p.set("i", "1");
		q = p.toString();
		history.replaceState(null, "", window.location.pathname +
			(q ? "?" + q : "") + window.location.hash);
	} catch (err) {
		/* Some viewers forbid history changes; the view still works. */
	}
}

function fg_restore_url() {
	var p = new URLSearchParams(window.location.search), x, y, i;
	if (p.get("i") === "1") { fg.ic = true; fg.icbtn.classList.add("show"); }
	if (p.has("x") && p.has("y")) {
		x = parseFloat(p.get("x"));
		y = parseFloat(p.get("y"));
		for (i = 1; i < fg.n; i++)
			if (fg.y[i] === y && Math.abs(fg.x[i] - x) < 0.05) {
				fg_zoom(i, false);
				break;
			}
	}
	if (p.has("s") && p.get("s") !== "") fg_search(p.get("s"), false);
}
