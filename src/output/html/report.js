/*
 * mmfrag report --html: draws the result document(s) embedded in #mmfrag-data.
 * Embedded at build time with Chart.js (Debian's libjs-chart.js) by out-html.c; the page
 * needs no network.  <body> gets data-mmfrag-ready="1" when every view is drawn and
 * data-mmfrag-errors="N" (window.onerror and views that threw); each view's container has
 * data-chart=NAME, data-drawn="1" and data-points (points or cells it drew).
 */
(function () {
	'use strict';
	var MT = ['Unmovable', 'Movable', 'Reclaimable', 'HighAtomic', 'CMA', 'Isolate'];
	var MT_RGB = [[214, 39, 40], [44, 160, 44], [255, 127, 14], [148, 103, 189],
		      [23, 190, 207], [127, 127, 127]];
	/* a record's type for a pageblock without a page (a hole of the span) */
	var NO_PAGE = 7, NO_PAGE_RGB = [236, 236, 236];
	var PAL = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2',
		   '#7f7f7f', '#bcbd22', '#17becf'];
	var DASH = [[], [6, 3], [2, 2], [8, 3, 2, 3]];
	var D = JSON.parse(document.getElementById('mmfrag-data').textContent);
	var body = document.body;
	var charts = {};

	function fail(e) {
		window.mfErrors = (window.mfErrors || 0) + 1;
		body.setAttribute('data-mmfrag-errors', String(window.mfErrors));
		if (window.console)
			console.error(e);
	}

	function el(tag, attrs, parent, text) {
		var e = document.createElement(tag), k;

		for (k in attrs || {})
			e.setAttribute(k, attrs[k]);
		if (text !== undefined)
			e.textContent = text;
		if (parent)
			parent.appendChild(e);
		return e;
	}

	function hex(v) { return '0x' + v.toString(16); }
	function secs(ns, t0) { return (ns - t0) / 1e9; }
	function zkey(z) { return z.node + ':' + z.zone; }
	function zlabel(k) { var p = k.split(':'); return 'node ' + p[0] + ' ' + p[1]; }
	function fmt(v) {
		if (v === null || v === undefined)
			return '-';
		if (typeof v === 'number' && !Number.isInteger(v))
			return v.toFixed(Math.abs(v) < 10 ? 3 : 1);
		return String(v);
	}

	/* ---- the sources: what each line, bar or map is drawn from ---------------------- */

	function source(doc, sim, label, t0) {
		var s = sim ? (doc.simulations || []).filter(function (x) {
			return x.name === sim;
		})[0] : null;
		var series = [];

		if (sim && !s)
			throw new Error('no simulation ' + sim);
		(doc.series || []).forEach(function (p) {
			var q = sim ? (p.simulations || {})[sim] : p;

			if (q)
				series.push({ t: secs(p.time_ns, t0), zones: q.zones,
					      direct: q.compaction_direct,
					      runs: sim ? null : p.compaction_runs });
		});
		if (!series.length)	/* no --interval: the end state alone */
			series.push({ t: secs(doc.trace.last_ns, t0), zones: (s || doc).zones,
				      direct: (s ? s.compaction : doc.compaction.observed).direct });
		return {
			label: label, doc: doc, sim: s, t0: t0, series: series,
			zones: s ? s.zones : doc.zones,
			pb: s ? s.pageblocks : doc.pageblocks,
			model: s ? s.model : doc.model,
			compaction: s ? s.compaction : doc.compaction.observed,
			failures: s ? s.allocations.failures :
				(doc.allocations.failures_by_order || []).reduce(function (a, b) {
					return a + b; }, 0),
			fallbacks: (s || doc).fallbacks.total
		};
	}

	var S = [], docs = [];
	if (D.kind === 'compare') {
		S.push(source(D.a, D.a_sim, 'A: ' + D.a_name, D.a.trace.first_ns));
		S.push(source(D.b, D.b_sim, 'B: ' + D.b_name, D.b.trace.first_ns));
		docs = [{ label: 'A', doc: D.a }, { label: 'B', doc: D.b }];
	} else {
		S.push(source(D.doc, null, 'observed', D.doc.trace.first_ns));
		(D.doc.simulations || []).forEach(function (s) {
			S.push(source(D.doc, s.name, 'simulated ' + s.name, D.doc.trace.first_ns));
		});
		docs = [{ label: 'observed', doc: D.doc }];
	}

	var zoneKeys = [];
	S.forEach(function (s) {
		s.zones.forEach(function (z) {
			if (zoneKeys.indexOf(zkey(z)) < 0)
				zoneKeys.push(zkey(z));
		});
	});
	var maxOrder = Math.max.apply(null, S.map(function (s) { return s.model.max_order; }));
	var state = {
		zone: zoneKeys.filter(function (k) { return /Normal$/.test(k); })[0] || zoneKeys[0],
		order: Math.min(S[0].model.pageblock_order, maxOrder)
	};

	/* ---- page skeleton ------------------------------------------------------------- */

	var root = el('div', { id: 'mf-root' }, body);
	var d0 = S[0].doc;
	el('h1', null, root, D.kind === 'compare' ? 'mmfrag compare: ' + D.a_name + ' vs ' +
	   D.b_name : 'mmfrag report: ' + d0.trace.path);
	var meta = el('div', { 'class': 'meta' }, root);
	docs.forEach(function (x) {
		var d = x.doc, t = d.trace;

		el('div', null, meta, (docs.length > 1 ? x.label + ': ' : '') + t.path + ' - ' +
		   ((t.last_ns - t.first_ns) / 1e9).toFixed(3) + ' s, ' + t.events + ' events, ' +
		   t.nr_cpus + ' CPUs, ' + d.zones.length + ' zones, pageblock order ' +
		   d.model.pageblock_order + ', max order ' + d.model.max_order + ', ' +
		   (d.series ? d.series.length + ' series points' :
		    'no time series (replay with --interval)') +
		   (d.simulations ? ', ' + d.simulations.length + ' simulations' : '') +
		   (d.lost_events ? ', ' + d.lost_events + ' LOST EVENTS' : ''));
	});

	var controls = el('div', { 'class': 'controls' }, root);
	var lz = el('label', null, controls, 'zone ');
	var zsel = el('select', { id: 'mf-zone' }, lz);
	zoneKeys.forEach(function (k) {
		var o = el('option', { value: k }, zsel, zlabel(k));
		if (k === state.zone)
			o.selected = true;
	});
	var lo = el('label', null, controls, 'order ');
	var osel = el('select', { id: 'mf-order' }, lo);
	for (var o = 0; o <= maxOrder; o++) {
		var op = el('option', { value: String(o) }, osel, String(o));
		if (o === state.order)
			op.selected = true;
	}
	el('span', { 'class': 'note' }, controls,
	   'lines: ' + S.map(function (s, i) {
		   return s.label + (i ? ' (' + ['solid', 'dashed', 'dotted', 'dash-dot'][i % 4] + ')' : '');
	   }).join(', '));

	function section(name, title, note) {
		el('h2', null, root, title);
		if (note)
			el('div', { 'class': 'note' }, root, note);
		return el('div', { 'class': 'view', 'data-chart': name, id: 'mf-' + name }, root);
	}

	function canvasBox(parent, cls) {
		var box = el('div', { 'class': 'chart' + (cls ? ' ' + cls : '') }, parent);
		return el('canvas', null, box);
	}

	function done(view, points) {
		view.setAttribute('data-drawn', '1');
		view.setAttribute('data-points', String(points));
	}

	function lineChart(canvas, datasets, ylabel, ymin, ymax) {
		return new Chart(canvas, {
			type: 'line',
			data: { datasets: datasets },
			options: {
				animation: false, responsive: true, maintainAspectRatio: false,
				parsing: false, normalized: true, spanGaps: false,
				interaction: { mode: 'nearest', intersect: false },
				elements: { point: { radius: 0, hitRadius: 4 }, line: { borderWidth: 1.5 } },
				scales: {
					x: { type: 'linear', title: { display: true, text: 'trace time (s)' } },
					y: { min: ymin, max: ymax, title: { display: true, text: ylabel } }
				},
				plugins: { legend: { labels: { boxWidth: 14 } } }
			}
		});
	}

	function barChart(canvas, labels, datasets, opts) {
		opts = opts || {};
		return new Chart(canvas, {
			type: 'bar',
			data: { labels: labels, datasets: datasets },
			options: {
				animation: false, responsive: true, maintainAspectRatio: false,
				indexAxis: opts.horizontal ? 'y' : 'x',
				scales: {
					x: { stacked: !!opts.stacked },
					y: { stacked: !!opts.stacked, title: { display: !!opts.ylabel,
						text: opts.ylabel || '' } }
				},
				plugins: { legend: { display: datasets.length > 1 || !!opts.legend },
					   title: { display: !!opts.title, text: opts.title || '' } }
			}
		});
	}

	function countPoints(chart) {
		return chart.data.datasets.reduce(function (n, d) {
			return n + d.data.filter(function (p) {
				return p !== null && (typeof p !== 'object' || p.y !== null);
			}).length;
		}, 0);
	}

	/* ---- indices over time ----------------------------------------------------------- */

	function zoneOf(zones, key) {
		return zones.filter(function (z) { return zkey(z) === key; })[0];
	}

	function indexSets(field, scale) {
		return S.map(function (s, i) {
			return {
				label: s.label, borderColor: PAL[i % PAL.length],
				backgroundColor: PAL[i % PAL.length], borderDash: DASH[i % DASH.length],
				data: s.series.map(function (p) {
					var z = zoneOf(p.zones, state.zone), v;

					if (!z)
						return { x: p.t, y: null };
					v = field === 'fragmentation_score' ? z[field] : z[field][state.order];
					/* extfrag -1000: the allocation would succeed, no index */
					if (v === undefined || (field === 'extfrag_index' && v < 0))
						v = null;
					return { x: p.t, y: v === null ? null : v / scale };
				})
			};
		});
	}

	var idxViews = [
		['unusable', 'unusable_index', 1000, 'unusable free space index',
		 'Share of free memory unusable for an allocation of the selected order ' +
		 '(unusable_free_index(), 0 to 1), in the selected zone.'],
		['extfrag', 'extfrag_index', 1000, 'extfrag index',
		 'fragmentation_index() of the selected order: towards 0 an allocation fails for ' +
		 'lack of memory, towards 1 for fragmentation; gaps where it would succeed (-1).'],
		['score', 'fragmentation_score', 1, 'fragmentation score (%)',
		 'fragmentation_score_zone() of the selected zone, what proactive compaction aims ' +
		 'below compaction_proactiveness.']
	];

	function drawIndices() {
		idxViews.forEach(function (v) {
			var c = charts[v[0]];

			c.data.datasets = indexSets(v[1], v[2]);
			c.options.plugins.title = { display: true, text: zlabel(state.zone) +
				(v[0] === 'score' ? '' : ', order ' + state.order) };
			c.update();
			done(document.getElementById('mf-' + v[0]), countPoints(c));
		});
	}

	function guard(fn) {
		try {
			fn();
		} catch (e) {
			fail(e);
		}
	}

	el('h2', null, root, 'Indices over time');
	var idxRow = el('div', { 'class': 'row' }, root);
	idxViews.forEach(function (v) {
		guard(function () {
			var wrap = el('div', null, idxRow);
			el('div', { 'class': 'note' }, wrap, v[4]);
			var view = el('div', { 'class': 'view', 'data-chart': v[0], id: 'mf-' + v[0] },
				      wrap);
			charts[v[0]] = lineChart(canvasBox(view), [], v[3], v[0] === 'score' ? 0 : -0.02,
						 v[0] === 'score' ? undefined : 1.02);
		});
	});
	guard(drawIndices);
	zsel.addEventListener('change', function () { state.zone = zsel.value; guard(drawIndices); });
	osel.addEventListener('change', function () {
		state.order = +osel.value;
		guard(drawIndices);
	});

	/* ---- compaction --------------------------------------------------------------- */

	guard(function () {
		var view = section('compaction', 'Compaction',
			'Direct compaction over time (cumulative stalls, successes, failures), ' +
			'kcompactd and proactive runs over time (observed), then ' +
			'runs by trigger and the compact_result mix of every run, per config.');
		var row = el('div', { 'class': 'row' }, view), sets = [], kinds = ['stall', 'success',
			'fail'], statuses = {}, runs = ['direct', 'kcompactd', 'proactive'], n;

		S.forEach(function (s, i) {
			kinds.forEach(function (k, j) {
				sets.push({
					label: s.label + ' ' + k, borderColor: PAL[(i * 3 + j) % PAL.length],
					backgroundColor: PAL[(i * 3 + j) % PAL.length],
					borderDash: DASH[i % DASH.length],
					data: s.series.map(function (p) {
						return { x: p.t, y: p.direct ? p.direct[k] : null };
					})
				});
			});
			Object.keys(s.compaction.end_status || {}).forEach(function (k) {
				statuses[k] = 1;
			});
		});
		var c1 = lineChart(canvasBox(row), sets, 'direct compaction (cumulative)', 0);
		/* kcompactd's and proactive runs over time: the trace's, in the series (observed) */
		var rsets = [];

		S.forEach(function (s, i) {
			['kcompactd', 'proactive'].forEach(function (k, j) {
				if (!s.series.some(function (p) { return p.runs; }))
					return;
				rsets.push({
					label: s.label + ' ' + k + ' runs',
					borderColor: PAL[(i * 2 + j + 3) % PAL.length],
					backgroundColor: PAL[(i * 2 + j + 3) % PAL.length],
					data: s.series.map(function (p) {
						return { x: p.t, y: p.runs ? p.runs[k] : null };
					})
				});
			});
		});
		var c3 = rsets.length ? lineChart(canvasBox(row), rsets,
			'kcompactd and proactive runs (cumulative)', 0) : null;
		var labels = S.map(function (s) { return s.label; });
		var bars = runs.map(function (r, j) {
			return { label: r + ' runs', backgroundColor: PAL[j], stack: 'runs',
				 data: S.map(function (s) { return (s.compaction.runs || {})[r] || 0; }) };
		}).concat(Object.keys(statuses).sort().map(function (k, j) {
			return { label: k, backgroundColor: PAL[(j + 4) % PAL.length], stack: 'result',
				 data: S.map(function (s) {
					 return (s.compaction.end_status || {})[k] || 0; }) };
		}));
		var c2 = barChart(canvasBox(row), labels, bars, { stacked: true, legend: true,
			title: 'runs by trigger | compact_result of every run' });
		n = countPoints(c1) + countPoints(c2) + (c3 ? countPoints(c3) : 0);
		done(view, n);
	});

	/* ---- the memory map ----------------------------------------------------------- */

	function b64(s) {
		var bin = atob(s), a = new Uint8Array(bin.length), i;

		for (i = 0; i < bin.length; i++)
			a[i] = bin.charCodeAt(i);
		return a;
	}

	/* One source's map: per zone typed arrays, rewound or rolled forward frame by frame. */
	function PbMap(pb) {
		this.pb = pb;
		this.pbo = pb.pageblock_order;
		this.frames = pb.frames;
		this.cur = -1;
		this.z = {};
		this.bytes = [];
	}

	PbMap.prototype.zone = function (zf) {
		var k = zf.node + ':' + zf.zone, z = this.z[k], n = zf.pageblocks;

		if (!z || z.n !== n || z.first !== zf.first_pfn || zf.key) {
			z = this.z[k] = { n: n, first: zf.first_pfn, node: zf.node, name: zf.zone,
					  mt: new Uint8Array(n), free: new Uint32Array(n),
					  maxo: new Int8Array(n).fill(-1),
					  rf: new Int32Array(n).fill(-1), ro: new Uint32Array(n) };
		}
		return z;
	};

	PbMap.prototype.apply = function (fi) {
		var self = this, f = this.frames[fi];

		if (!this.bytes[fi])
			this.bytes[fi] = f.zones.map(function (zf) { return b64(zf.data); });
		f.zones.forEach(function (zf, zi) {
			var z = self.zone(zf), b = self.bytes[fi][zi], i = 0, pos = 0, pbo = self.pbo;

			function varint() {
				var v = 0, mul = 1, c;

				do {
					c = b[i++];
					v += (c & 0x7f) * mul;
					mul *= 128;
				} while (c & 0x80);
				return v;
			}
			while (i < b.length) {
				var skip = varint(), run = varint(), at = i, h = b[i++], np = h >> 3,
				    free = 0, maxo = -1, k, o, c;

				for (k = 0; k < np; k++) {
					o = b[i++];
					c = varint();
					free += c * Math.pow(2, Math.min(o, pbo));
					if (o > maxo)
						maxo = o;
				}
				pos += skip;
				for (k = 0; k < run && pos < z.n; k++, pos++) {
					z.mt[pos] = h & 7;
					z.free[pos] = free;
					z.maxo[pos] = maxo;
					z.rf[pos] = fi * 256 + zi;
					z.ro[pos] = at;
				}
			}
		});
		this.cur = fi;
	};

	PbMap.prototype.go = function (fi) {
		var i;

		fi = Math.min(fi, this.frames.length - 1);
		if (fi < this.cur) {
			this.z = {};
			this.cur = -1;
		}
		for (i = this.cur + 1; i <= fi; i++)
			this.apply(i);
		return fi;
	};

	/* free blocks by order of one pageblock, from its record */
	PbMap.prototype.orders = function (z, pos) {
		var r = z.rf[pos], b, i, out = [], np, k, o, c, mul, x;

		if (r < 0)
			return out;
		b = this.bytes[r >> 8][r & 255];
		i = z.ro[pos];
		np = b[i++] >> 3;
		for (k = 0; k < np; k++) {
			o = b[i++];
			c = 0;
			mul = 1;
			do {
				x = b[i++];
				c += (x & 0x7f) * mul;
				mul *= 128;
			} while (x & 0x80);
			out.push([o, c]);
		}
		return out;
	};

	var mapView, tip = el('div', { id: 'mf-tip' }, body);
	var maps = [];

	function layout(m, width) {
		var zones = m.frames[m.frames.length - 1].zones, n = 0, s, cols, y = 0, lay = [];

		zones.forEach(function (zf) { n += zf.pageblocks; });
		s = Math.max(1, Math.min(12, Math.floor(Math.sqrt(width * 520 / Math.max(n, 1)))));
		cols = Math.max(1, Math.floor(width / s));
		zones.forEach(function (zf) {
			var rows = Math.ceil(zf.pageblocks / cols);

			lay.push({ key: zf.node + ':' + zf.zone, y: y + 14, rows: rows, n: zf.pageblocks,
				   label: 'node ' + zf.node + ' ' + zf.zone + ' - ' + zf.pageblocks +
					  ' pageblocks from pfn ' + hex(zf.first_pfn) });
			y += 14 + rows * s + 6;
		});
		return { s: s, cols: cols, h: y, zones: lay, n: n };
	}

	function drawMap(mp, fi) {
		var m = mp.m, L = mp.L, ctx = mp.ctx, s = L.s, img, px, W = L.cols * s, pbsz, drawn = 0;

		fi = m.go(fi);
		mp.fi = fi;
		pbsz = Math.pow(2, m.pbo);
		ctx.fillStyle = '#fff';
		ctx.fillRect(0, 0, mp.canvas.width, mp.canvas.height);
		img = ctx.createImageData(W, mp.canvas.height);
		px = new Uint32Array(img.data.buffer);
		px.fill(0xffffffff);
		L.zones.forEach(function (lz) {
			var z = m.z[lz.key], i, rgb, f, r, g, b, c, x0, y0, dx, dy;

			if (!z)
				return;
			for (i = 0; i < z.n; i++) {
				rgb = z.mt[i] === NO_PAGE ? NO_PAGE_RGB : MT_RGB[z.mt[i]] || MT_RGB[0];
				/* shading: the darker, the less free; white would be all free */
				f = Math.min(1, z.free[i] / pbsz) * 0.82;
				r = rgb[0] + (255 - rgb[0]) * f;
				g = rgb[1] + (255 - rgb[1]) * f;
				b = rgb[2] + (255 - rgb[2]) * f;
				c = (255 << 24) | (b << 16) | (g << 8) | r;
				x0 = (i % L.cols) * s;
				y0 = lz.y + Math.floor(i / L.cols) * s;
				for (dy = 0; dy < (s > 3 ? s - 1 : s); dy++)
					for (dx = 0; dx < (s > 3 ? s - 1 : s); dx++)
						px[(y0 + dy) * W + x0 + dx] = c;
				drawn++;
			}
		});
		ctx.putImageData(img, 0, 0);
		ctx.fillStyle = '#222';
		ctx.font = '11px sans-serif';
		L.zones.forEach(function (lz) { ctx.fillText(lz.label, 0, lz.y - 3); });
		var f = m.frames[fi];
		mp.cap.textContent = f.label + ' - ' + ((f.time_ns - mp.t0) / 1e9).toFixed(3) + ' s';
		return drawn;
	}

	function hover(mp, ev) {
		var rect = mp.canvas.getBoundingClientRect(), x = ev.clientX - rect.left,
		    y = ev.clientY - rect.top, L = mp.L, lz, i, z, pos, col, row, txt, pbsz;

		tip.style.display = 'none';
		for (i = 0; i < L.zones.length; i++) {
			lz = L.zones[i];
			if (y >= lz.y && y < lz.y + lz.rows * L.s)
				break;
		}
		if (i === L.zones.length)
			return;
		col = Math.floor(x / L.s);
		row = Math.floor((y - lz.y) / L.s);
		pos = row * L.cols + col;
		z = mp.m.z[lz.key];
		if (!z || col >= L.cols || pos >= z.n)
			return;
		pbsz = Math.pow(2, mp.m.pbo);
		txt = mp.label + '\nnode ' + z.node + ' ' + z.name + ', pageblock ' + pos +
		      '\npfn ' + hex(z.first + pos * pbsz) + '-' + hex(z.first + (pos + 1) * pbsz - 1) +
		      '\ntype ' + (z.mt[pos] === NO_PAGE ? 'none: no page here' : MT[z.mt[pos]]) +
		      '\nfree ' + z.free[pos] + ' of ' + pbsz + ' pages' +
		      '\nlargest free order ' + (z.maxo[pos] < 0 ? '-' : z.maxo[pos]);
		mp.m.orders(z, pos).forEach(function (oc) {
			txt += '\n  order ' + oc[0] + ': ' + oc[1] + (oc[0] > mp.m.pbo ?
				' (block of ' + Math.pow(2, oc[0] - mp.m.pbo) + ' pageblocks)' : '');
		});
		tip.textContent = txt;
		tip.style.display = 'block';
		tip.style.left = Math.min(ev.clientX + 14, window.innerWidth - 260) + 'px';
		tip.style.top = (ev.clientY + 14) + 'px';
	}

	guard(function () {
		var withMap = S.filter(function (s) { return s.pb && s.pb.frames.length; });
		var nf = Math.max.apply(null, [1].concat(withMap.map(function (s) {
			return s.pb.frames.length;
		})));
		var legend, slider, box, width, total = 0;

		mapView = section('memmap', 'Physical memory map',
			'One cell per pageblock, in pfn order, zone by zone: colour = migratetype, ' +
			'lighter = more of it free. Hover a cell for its pfn range and free blocks ' +
			'by order; the slider walks the start, every interval point and the end' +
			(withMap.length > 1 ? ', side by side for each config.' : '.'));
		legend = el('div', { 'class': 'legend' }, mapView);
		MT.forEach(function (t, i) {
			var sp = el('span', null, legend), sw = el('i', null, sp);

			sw.style.background = 'rgb(' + MT_RGB[i].join(',') + ')';
			sp.appendChild(document.createTextNode(t));
		});
		(function () {
			var sp = el('span', null, legend), sw = el('i', null, sp);

			sw.style.background = 'rgb(' + NO_PAGE_RGB.join(',') + ')';
			sp.appendChild(document.createTextNode('no page'));
		})();
		el('span', null, legend, '(light: free, dark: in use)');
		var sl = el('div', { 'class': 'slider' }, mapView);
		el('span', null, sl, 'frame');
		slider = el('input', { type: 'range', min: '0', max: String(Math.max(0, nf - 1)),
				       value: String(Math.max(0, nf - 1)), id: 'mf-frame' }, sl);
		var flabel = el('span', null, sl);
		box = el('div', { 'class': 'maps' }, mapView);
		width = Math.max(280, Math.floor(((root.clientWidth || 1200) - 12 *
			(withMap.length - 1)) / Math.max(1, withMap.length)) - 4);
		withMap.forEach(function (s) {
			var m = new PbMap(s.pb), L = layout(m, width), div = el('div', { 'class': 'map' }, box);
			var mp = { m: m, L: L, label: s.label, t0: s.t0 };

			el('h3', null, div, s.label + ' (pageblock order ' + m.pbo + ')');
			mp.cap = el('div', { 'class': 'note' }, div);
			mp.canvas = el('canvas', { width: String(L.cols * L.s), height: String(L.h) }, div);
			mp.ctx = mp.canvas.getContext('2d');
			mp.canvas.addEventListener('mousemove', function (ev) { hover(mp, ev); });
			mp.canvas.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
			maps.push(mp);
		});
		function redraw() {
			var fi = +slider.value, n = 0;

			maps.forEach(function (mp) {
				var k = drawMap(mp, fi);

				mp.canvas.parentNode.setAttribute('data-pageblocks', String(k));
				n += k;
			});
			flabel.textContent = (fi + 1) + ' / ' + nf;
			return n;
		}
		slider.addEventListener('input', function () { guard(redraw); });
		if (!withMap.length) {
			/* a result saved before the map was part of the document */
			var c = el('canvas', { width: '600', height: '24' }, box).getContext('2d');

			c.font = '13px sans-serif';
			c.fillText('This result has no memory map: replay the trace again with this mmfrag.',
				   0, 16);
		}
		total = redraw();
		/* every cell of every map: one per pageblock of every zone, per run */
		mapView.setAttribute('data-pageblocks', String(total));
		done(mapView, total);
	});

	/* ---- simulations beside what was observed ------------------------------------ */

	guard(function () {
		var view = section('simulation', D.kind === 'compare' ? 'A and B at the end' :
			'Simulated configs beside the observed run',
			S.length > 1 ? 'End state of each run: fragmentation score per zone, and the ' +
			'counters a config changes.' : 'Replayed without --simulate: the observed ' +
			'run alone (mmfrag replay --simulate --config ... draws each config here).');
		var sets = S.map(function (s, i) {
			return { label: s.label, backgroundColor: PAL[i % PAL.length],
				 data: zoneKeys.map(function (k) {
					 var z = zoneOf(s.zones, k);
					 return z ? z.fragmentation_score : null;
				 }) };
		});
		var c = barChart(canvasBox(view, 'short'), zoneKeys.map(zlabel), sets,
				 { ylabel: 'fragmentation score at the end (%)', legend: true });
		var t = el('table', null, view), tr = el('tr', null, t);
		el('th', null, tr, '');
		S.forEach(function (s) { el('th', null, tr, s.label); });
		[['allocation failures', function (s) { return s.failures; }],
		 ['direct compaction stalls', function (s) { return s.compaction.direct.stall; }],
		 ['direct compaction successes', function (s) { return s.compaction.direct.success; }],
		 ['direct compaction failures', function (s) { return s.compaction.direct.fail; }],
		 ['pages migrated', function (s) { return s.compaction.pages_migrated; }],
		 ['fallbacks', function (s) { return s.fallbacks; }],
		 ['config', function (s) { return s.sim ? s.sim.config_text || 'default' : '(traced)'; }]
		].forEach(function (row) {
			var r = el('tr', null, t);
			el('td', null, r, row[0]);
			S.forEach(function (s) { el('td', null, r, fmt(row[1](s))); });
		});
		done(view, countPoints(c));
	});

	/* ---- fidelity ------------------------------------------------------------------ */

	guard(function () {
		var view = section('fidelity', 'Fidelity: how far to trust this page',
			'Drift: the model against every capture it met (share of free blocks that ' +
			'differ from the kernel\'s buddyinfo). Repairs: every place the trace ' +
			'contradicted the model and what it did (non-zero counters).');
		var row = el('div', { 'class': 'row' }, view), sets = [], names = {}, n = 0;

		docs.forEach(function (x, di) {
			var keys = [];

			(x.doc.checks || []).forEach(function (c) {
				c.zones.forEach(function (z) {
					if (keys.indexOf(zkey(z)) < 0)
						keys.push(zkey(z));
				});
			});
			keys.forEach(function (k, ki) {
				sets.push({
					label: (docs.length > 1 ? x.label + ' ' : '') + zlabel(k),
					borderColor: PAL[ki % PAL.length], backgroundColor: PAL[ki % PAL.length],
					borderDash: DASH[di % DASH.length],
					elements: { point: { radius: 3 } }, pointRadius: 3,
					data: (x.doc.checks || []).map(function (c) {
						var z = zoneOf(c.zones, k);
						return { x: secs(c.time_ns, x.doc.trace.first_ns),
							 y: z ? 100 * z.free_blocks_error : null };
					})
				});
			});
			Object.keys(x.doc.fidelity || {}).forEach(function (k) {
				if (x.doc.fidelity[k] && !/^(events_applied|events_before_start|compaction_isolated_pages)$/.test(k))
					names[k] = 1;
			});
		});
		var c1 = lineChart(canvasBox(row), sets, 'free blocks error (%)', 0);
		if (!sets.length)
			el('div', { 'class': 'note' }, row, 'No capture to check against: no drift series.');
		var keys = Object.keys(names).sort();
		var c2 = barChart(canvasBox(row), keys, docs.map(function (x, i) {
			return { label: x.label, backgroundColor: PAL[i % PAL.length],
				 data: keys.map(function (k) { return x.doc.fidelity[k] || 0; }) };
		}), { horizontal: true, legend: docs.length > 1, title: 'repair counters' });
		n = countPoints(c1) + countPoints(c2);
		var w = [];
		docs.forEach(function (x) {
			(x.doc.warnings || []).forEach(function (m) { w.push(x.label + ': ' + m); });
		});
		w.forEach(function (m) { el('div', { 'class': 'note' }, view, 'warning: ' + m); });
		done(view, n);
	});

	/* ---- compare ------------------------------------------------------------------- */

	if (D.kind === 'compare')
		guard(function () {
			var cmp = D.compare, view = section('compare', 'A against B',
				'Every metric mmfrag compare knows (--fail-if names), B - A; red where B ' +
				'is worse (higher), green where better, for the metrics where higher is worse.');
			var worse = /(fragmentation_score|unusable_index|extfrag_index|stall|fail|error|fallbacks|lost_events|failures)/;
			var top = cmp.metrics.filter(function (m) { return m.relative !== null; })
				.sort(function (a, b) { return Math.abs(b.relative) - Math.abs(a.relative); })
				.slice(0, 25);
			var c = barChart(canvasBox(view), top.map(function (m) { return m.name; }), [{
				label: 'B vs A (%)',
				backgroundColor: top.map(function (m) {
					return worse.test(m.name) === (m.relative > 0) ? '#d62728' : '#2ca02c';
				}),
				data: top.map(function (m) { return m.relative; })
			}], { horizontal: true, title: 'largest relative changes, B vs A (%)' });
			(cmp.thresholds || []).forEach(function (t) {
				el('div', { 'class': 'note' }, view, (t.crossed ? 'CROSSED: ' : 'ok: ') + t.expr);
			});
			var t = el('table', null, view), tr = el('tr', null, t);
			['metric', 'A', 'B', 'B - A', 'relative'].forEach(function (h) { el('th', null, tr, h); });
			cmp.metrics.forEach(function (m) {
				var r = el('tr', null, t), d;

				el('td', null, r, m.name);
				el('td', null, r, fmt(m.a));
				el('td', null, r, fmt(m.b));
				d = el('td', null, r, fmt(m.delta));
				if (m.delta && worse.test(m.name))
					d.className = m.delta > 0 ? 'worse' : 'better';
				el('td', null, r, m.relative === null ? '-' : m.relative.toFixed(1) + '%');
			});
			done(view, countPoints(c) + cmp.metrics.length);
		});

	function ready() {
		/* ms from navigation start to drawn: what the size test holds under 2 s */
		if (window.performance)
			body.setAttribute('data-mmfrag-ms', String(Math.round(performance.now())));
		body.setAttribute('data-mmfrag-errors', String(window.mfErrors || 0));
		body.setAttribute('data-mmfrag-ready', '1');
	}
	if (window.requestAnimationFrame)
		window.requestAnimationFrame(ready);
	else
		ready();
})();
