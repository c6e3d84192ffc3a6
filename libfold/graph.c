/*
 * graph.c - the call graph of a profile and pprof's trimming of it.
 *
 * pprof builds its graph from the samples again after each pruning step,
 * because a graph alone cannot tell which edges join the nodes that remain
 * once others are gone; so does this, from the stack table, with a set of
 * kept names.  Node ranking follows internal/graph's sort orders exactly
 * (including the entropy score drawings use), so the same nodes survive.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "libfold/graph.h"

double fold_gweight(const struct fold_profile *p, const fold_count *v)
{
	if (p->ncols == 1)
		return fold_count_double(p, v[0]);
	if (!p->fractional)	/* exact where it can be */
		return v[1].u >= v[0].u ? (double)(v[1].u - v[0].u) :
					  -(double)(v[0].u - v[1].u);
	return v[1].f - v[0].f;
}

double fold_graph_total(const struct fold_profile *p)
{
	double before = fold_count_double(p, p->total[0]);

	if (p->ncols == 1 || before > 0)
		return before;
	return fold_count_double(p, p->total[1]);
}

/* ------------------------------------------------------------ building */

/* A graph as it is built: nodes and edges in order of first sight. */
struct build {
	const struct fold_profile *p;	/* the stacks built from */
	const struct fold_names *nm;	/* and the names of their frames */
	size_t nn;			/* frame ids are below this */
	uint32_t *node_of;		/* name id -> node + 1, 0: none yet */
	uint32_t *nstamp;		/* last stack + 1 that counted a node */
	struct fold_gnode *nodes;
	size_t n, capn;
	struct fold_gedge *edges;
	uint32_t *estamp;
	size_t ne, cape, capstamp;
	uint64_t *ekey;			/* edge hash: src << 32 | dst, +1 */
	uint32_t *eval;
	size_t emask;
	uint32_t *last;			/* node -> its edge looked up last + 1 */
	size_t caplast;
	uint8_t *dead;			/* edges trimmed away */
	uint8_t *gone;			/* nodes with no weight at all */
};

static void build_free(struct build *b)
{
	free(b->node_of);
	free(b->nstamp);
	free(b->nodes);
	free(b->edges);
	free(b->estamp);
	free(b->ekey);
	free(b->eval);
	free(b->last);
	free(b->dead);
	free(b->gone);
	memset(b, 0, sizeof(*b));
}

static uint64_t mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

static int ehash_grow(struct build *b, size_t want)
{
	size_t cap = b->emask ? (b->emask + 1) * 2 : 1024, i;

	while (cap < want * 2)
		cap *= 2;
	uint64_t *key = calloc(cap, sizeof(*key));
	uint32_t *val = malloc(cap * sizeof(*val));

	if (key == NULL || val == NULL) {
		free(key);
		free(val);
		return -1;
	}
	for (i = 0; b->emask && i <= b->emask; i++) {
		size_t h;

		if (b->ekey[i] == 0)
			continue;
		for (h = mix(b->ekey[i]) & (cap - 1); key[h]; h = (h + 1) & (cap - 1))
			;
		key[h] = b->ekey[i];
		val[h] = b->eval[i];
	}
	free(b->ekey);
	free(b->eval);
	b->ekey = key;
	b->eval = val;
	b->emask = cap - 1;
	return 0;
}

/* The edge src -> dst, added if new; UINT32_MAX when out of memory. */
static uint32_t edge_get(struct build *b, uint32_t src, uint32_t dst)
{
	uint64_t k = ((uint64_t)src << 32 | dst) + 1;
	size_t h;
	struct fold_gedge *e;

	if ((b->ne + 1) * 2 > b->emask + 1 && ehash_grow(b, 0) != 0)
		return UINT32_MAX;
	for (h = mix(k) & b->emask; b->ekey[h]; h = (h + 1) & b->emask)
		if (b->ekey[h] == k)
			return b->eval[h];
	if (b->ne >= UINT32_MAX - 1 ||
	    fold_grow(&b->edges, &b->cape, b->ne + 1, sizeof(*b->edges)) != 0 ||
	    fold_grow0(&b->estamp, &b->capstamp, b->ne + 1, sizeof(*b->estamp)) != 0)
		return UINT32_MAX;
	e = &b->edges[b->ne];
	memset(e, 0, sizeof(*e));
	e->src = src;
	e->dst = dst;
	b->ekey[h] = k;
	b->eval[h] = (uint32_t)b->ne;
	return (uint32_t)b->ne++;
}

static uint32_t node_get(struct build *b, fold_id name)
{
	struct fold_gnode *nd;

	if (b->node_of[name])
		return b->node_of[name] - 1;
	if (fold_grow(&b->nodes, &b->capn, b->n + 1, sizeof(*b->nodes)) != 0)
		return UINT32_MAX;
	if (fold_grow0(&b->last, &b->caplast, b->n + 1, sizeof(*b->last)) != 0)
		return UINT32_MAX;
	nd = &b->nodes[b->n];
	memset(nd, 0, sizeof(*nd));
	nd->name = name;
	b->node_of[name] = (uint32_t)++b->n;
	return (uint32_t)b->n - 1;
}

static void add_counts(const struct fold_profile *p, fold_count *to,
		       const fold_count *v)
{
	int c;

	for (c = 0; c < p->ncols; c++)
		fold_count_add(&to[c], v[c], p->fractional);
}

/*
 * pprof's graph.New over the stacks of p, with only the names whose
 * kept[] is set (all when kept is NULL): a frame not kept is skipped,
 * and the edge that jumps over it is residual; a stack whose leaf is not
 * kept gives no node its flat weight.
 */
/* What processing frame j of the stack before left (see build). */
struct frame_state {
	uint32_t node;		/* its node, or UINT32_MAX when not kept */
	uint32_t edge;		/* the edge into it, or UINT32_MAX */
	uint32_t parent;	/* the last kept node up to it */
	uint32_t nkept;		/* kept frames up to it, itself included */
	int residual;		/* frames skipped since that node */
};

static int build_finish(struct build *b, const struct fold_profile *p);

/*
 * The first build of a graph whose nodes will be pruned (or that has no
 * edges): every frame, nodes only, in the records' own order.
 */
static int build_nodes(struct build *b, const struct fold_profile *p)
{
	size_t nn = p->names.n ? p->names.n : 1, i, j, depth;
	int c;

	memset(b, 0, sizeof(*b));
	b->p = p;
	b->nm = &p->names;
	b->nn = p->names.n;
	b->node_of = calloc(nn, sizeof(*b->node_of));
	b->nstamp = calloc(nn, sizeof(*b->nstamp));
	if (b->node_of == NULL || b->nstamp == NULL || p->nstacks >= UINT32_MAX ||
	    ehash_grow(b, 0) != 0)
		goto fail;
	for (i = 0; i < p->nstacks; i++) {
		const fold_id *f = fold_stack_frames(p, i, &depth);
		const fold_count *v = fold_srec(p, i)->counts;
		uint32_t stamp = (uint32_t)i + 1, nd = UINT32_MAX;
		int zero = 1;

		for (c = 0; c < p->ncols; c++)
			zero &= fold_count_is_zero(p, v[c]);
		if (zero)
			continue;
		for (j = 0; j < depth; j++) {
			nd = b->node_of[f[j]] ? b->node_of[f[j]] - 1 : node_get(b, f[j]);
			if (nd == UINT32_MAX)
				goto fail;
			if (b->nstamp[f[j]] != stamp) {
				b->nstamp[f[j]] = stamp;
				add_counts(p, b->nodes[nd].cum, v);
			}
		}
		add_counts(p, b->nodes[nd].flat, v);
	}
	return build_finish(b, p);
fail:
	build_free(b);
	errno = errno ? errno : ENOMEM;
	return -1;
}

static int build(struct build *b, const struct fold_profile *p,
		 const struct fold_names *names, size_t nids, const uint8_t *kept,
		 size_t edges, const uint32_t *order, int with_edges)
{
	size_t nn = nids ? nids : 1, k, j, m, depth, pdepth = 0;
	size_t cap = 0, capk = 0;
	const fold_id *prev = NULL;
	struct frame_state *fs = NULL;
	uint32_t *kp = NULL;	/* positions of the kept frames, in order */
	int c;

	memset(b, 0, sizeof(*b));
	b->p = p;
	b->nm = names;
	b->nn = nids;
	b->node_of = calloc(nn, sizeof(*b->node_of));
	b->nstamp = calloc(nn, sizeof(*b->nstamp));
	if (b->node_of == NULL || b->nstamp == NULL || p->nstacks >= UINT32_MAX ||
	    ehash_grow(b, edges) != 0)
		goto fail;
	for (k = 0; k < p->nstacks; k++) {
		size_t i = order ? order[k] : k, same = 0, nk = 0;

		/* Sorted, the records are all over memory: fetch ahead. */
		if (order != NULL && k + 8 < p->nstacks) {
			const char *r = (const char *)fold_srec(p, order[k + 8]);

			__builtin_prefetch(r);
			__builtin_prefetch(r + 64);
		}
		const fold_id *f = fold_stack_frames(p, i, &depth);
		const fold_count *v = fold_srec(p, i)->counts;
		uint32_t parent = UINT32_MAX, stamp = (uint32_t)i + 1;
		int residual = 0, zero = 1;

		for (c = 0; c < p->ncols; c++)
			zero &= fold_count_is_zero(p, v[c]);
		if (zero)
			continue;
		if (fold_grow(&fs, &cap, depth, sizeof(*fs)) != 0 ||
		    fold_grow(&kp, &capk, depth, sizeof(*kp)) != 0)
			goto fail;
		/*
		 * Frames shared with the stack before (most of them, in
		 * sorted order) have their nodes and edges already: only the
		 * counts of the kept ones are added.
		 */
		if (prev != NULL)
			same = fold_common_ids(prev, f, depth < pdepth ? depth : pdepth);
		if (same > 0) {
			nk = fs[same - 1].nkept;
			parent = fs[same - 1].parent;
			residual = fs[same - 1].residual;
		}
		for (m = 0; m < nk; m++) {
			const struct frame_state *s = &fs[kp[m]];

			if (b->nstamp[f[kp[m]]] != stamp) {
				b->nstamp[f[kp[m]]] = stamp;
				add_counts(p, b->nodes[s->node].cum, v);
			}
			/* (an edge's residual mark was set the first time) */
			if (s->edge != UINT32_MAX && b->estamp[s->edge] != stamp) {
				b->estamp[s->edge] = stamp;
				add_counts(p, b->edges[s->edge].w, v);
			}
		}
		for (j = same; j < depth; j++) {
			struct frame_state *s = &fs[j];
			uint32_t nd, e = UINT32_MAX;

			if (kept != NULL && !kept[f[j]]) {
				residual = 1;
				s->node = s->edge = UINT32_MAX;
				s->parent = parent;
				s->nkept = (uint32_t)nk;
				s->residual = 1;
				continue;
			}
			nd = node_get(b, f[j]);
			if (nd == UINT32_MAX)
				goto fail;
			/* The node's slot in nstamp is its name's. */
			if (b->nstamp[f[j]] != stamp) {
				b->nstamp[f[j]] = stamp;
				add_counts(p, b->nodes[nd].cum, v);
			}
			if (with_edges && parent != UINT32_MAX && nd != parent) {
				/* A caller mostly calls what it called last. */
				e = b->last[parent] - 1;
				if (e == UINT32_MAX || b->edges[e].dst != nd) {
					e = edge_get(b, parent, nd);
					if (e == UINT32_MAX)
						goto fail;
					b->last[parent] = e + 1;
				}
				if (b->estamp[e] != stamp) {
					b->estamp[e] = stamp;
					add_counts(p, b->edges[e].w, v);
					if (residual)
						b->edges[e].residual = 1;
				}
			}
			kp[nk++] = (uint32_t)j;
			s->node = nd;
			s->edge = e;
			s->parent = parent = nd;
			s->nkept = (uint32_t)nk;
			s->residual = residual = 0;
		}
		if (parent != UINT32_MAX && !residual)
			add_counts(p, b->nodes[parent].flat, v);
		prev = f;
		pdepth = depth;
	}
	free(kp);
	free(fs);
	return build_finish(b, p);
fail:
	free(fs);
	free(kp);
	build_free(b);
	errno = errno ? errno : ENOMEM;
	return -1;
}

/* The weights of a graph just built, and which nodes and edges count. */
static int build_finish(struct build *b, const struct fold_profile *p)
{
	size_t k;

	b->dead = calloc(b->ne ? b->ne : 1, 1);
	b->gone = calloc(b->n ? b->n : 1, 1);
	if (b->dead == NULL || b->gone == NULL)
		goto fail;
	for (k = 0; k < b->n; k++) {
		struct fold_gnode *nd = &b->nodes[k];

		nd->flatv = fold_gweight(p, nd->flat);
		nd->cumv = fold_gweight(p, nd->cum);
		/* A differential node that did not change is not in the graph. */
		b->gone[k] = nd->flatv == 0 && nd->cumv == 0;
	}
	for (k = 0; k < b->ne; k++) {
		struct fold_gedge *e = &b->edges[k];

		e->wv = fold_gweight(p, e->w);
		b->dead[k] = b->gone[e->src] || b->gone[e->dst];
	}
	return 0;
fail:
	build_free(b);
	errno = errno ? errno : ENOMEM;
	return -1;
}

/* ------------------------------------------------------------- ranking */

struct rank {
	const struct build *b;
	const double *score;	/* NULL: by flat, then name, then cum */
};

static int name_cmp(const struct fold_names *nm, fold_id a, fold_id b)
{
	size_t la = fold_name_len(nm, a), lb = fold_name_len(nm, b);
	int c = memcmp(fold_name(nm, a), fold_name(nm, b), la < lb ? la : lb);

	return c ? c : (la > lb) - (la < lb);
}

/* internal/graph's FlatNameOrder, CumNameOrder and EntropyOrder. */
static int rank_cmp(const void *pa, const void *pb, void *arg)
{
	const struct rank *r = arg;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	const struct fold_gnode *x = &r->b->nodes[a], *y = &r->b->nodes[b];
	double u, v;
	int c;

	u = r->score ? fabs(r->score[a]) : fabs(x->flatv);
	v = r->score ? fabs(r->score[b]) : fabs(y->flatv);
	if (u != v)
		return u > v ? -1 : 1;
	c = name_cmp(r->b->nm, x->name, y->name);
	if (c != 0)
		return c;
	u = r->score ? fabs(x->flatv) : fabs(x->cumv);
	v = r->score ? fabs(y->flatv) : fabs(y->cumv);
	return u > v ? -1 : u < v;
}

/*
 * pprof's entropyScore: nodes where weight fans in or out widely, and
 * entry and leaf nodes, rank above chains of the same weight.  Edge sums
 * count only positive weights, as pprof's do.
 */
static void entropy(const struct build *b, double *score)
{
	double *tin = calloc(b->n ? b->n : 1, sizeof(double) * 4), *tout, *ein, *eout;
	uint32_t *nin = calloc(b->n ? b->n : 1, sizeof(uint32_t) * 2), *nout;
	size_t i;

	if (tin == NULL || nin == NULL) {
		/* Ranking by cum alone is still a valid order. */
		for (i = 0; i < b->n; i++)
			score[i] = b->nodes[i].cumv;
		free(tin);
		free(nin);
		return;
	}
	tout = tin + b->n;
	ein = tout + b->n;
	eout = ein + b->n;
	nout = nin + b->n;
	for (i = 0; i < b->n; i++)
		tout[i] = b->nodes[i].flatv;	/* the node's own weight */
	for (i = 0; i < b->ne; i++) {
		const struct fold_gedge *e = &b->edges[i];

		if (b->dead[i])
			continue;
		nin[e->dst]++;
		nout[e->src]++;
		if (e->wv > 0) {
			tin[e->dst] += e->wv;
			tout[e->src] += e->wv;
		}
	}
	for (i = 0; i < b->ne; i++) {
		const struct fold_gedge *e = &b->edges[i];
		double f;

		if (b->dead[i] || e->wv == 0)
			continue;
		if (tin[e->dst] != 0) {
			f = fabs(e->wv) / tin[e->dst];
			ein[e->dst] -= f * log2(f);
		}
		if (tout[e->src] != 0) {
			f = fabs(e->wv) / tout[e->src];
			eout[e->src] -= f * log2(f);
		}
	}
	for (i = 0; i < b->n; i++) {
		const struct fold_gnode *nd = &b->nodes[i];
		double s = 0, f;

		s += nin[i] == 0 ? 1 : ein[i];
		if (nout[i] == 0) {
			s += 1;
		} else {
			if (nd->flatv > 0 && tout[i] != 0) {
				f = nd->flatv / tout[i];
				eout[i] -= f * log2(f);
			}
			s += eout[i];
		}
		score[i] = trunc(s * nd->cumv) + nd->flatv;
	}
	free(tin);
	free(nin);
}

/* The nodes of b that are in the graph, in rank order, into order[]. */
static size_t rank(const struct build *b, const struct fold_graph_opts *o,
		   uint32_t *order, double *score)
{
	struct rank r = { b, NULL };
	size_t i, n = 0;

	if (o->visual) {
		entropy(b, score);
		r.score = score;
	} else if (o->cum_sort) {
		for (i = 0; i < b->n; i++)
			score[i] = b->nodes[i].cumv;
		r.score = score;
	}
	for (i = 0; i < b->n; i++)
		if (!b->gone[i])
			order[n++] = (uint32_t)i;
	qsort_r(order, n, sizeof(*order), rank_cmp, &r);
	return n;
}

/* ------------------------------------------------------------ trimming */

static size_t trim_edges(struct build *b, double cutoff)
{
	size_t i, dropped = 0;

	for (i = 0; i < b->ne; i++)
		if (!b->dead[i] && fabs(b->edges[i].wv) < cutoff) {
			b->dead[i] = 1;
			dropped++;
		}
	return dropped;
}

/* pprof's edge order: heaviest first, then by caller and callee name. */
static int edge_cmp(const void *pa, const void *pb, void *arg)
{
	const struct build *b = arg;
	const struct fold_gedge *x = &b->edges[*(const uint32_t *)pa];
	const struct fold_gedge *y = &b->edges[*(const uint32_t *)pb];
	const struct fold_names *nm = b->nm;
	int c;

	if (fabs(x->wv) != fabs(y->wv))
		return fabs(x->wv) > fabs(y->wv) ? -1 : 1;
	c = name_cmp(nm, b->nodes[x->src].name, b->nodes[y->src].name);
	return c ? c : name_cmp(nm, b->nodes[x->dst].name, b->nodes[y->dst].name);
}

/*
 * Whether a path other than e leads from e's caller to its callee, found
 * by walking callers back from the callee (pprof's isRedundantEdge).
 */
static int redundant(const struct build *b, uint32_t ei, const size_t *first,
		     const uint32_t *in, uint32_t *queue, uint8_t *seen)
{
	const struct fold_gedge *e = &b->edges[ei];
	size_t head = 0, tail = 0, k;
	int found = 0;

	memset(seen, 0, b->n);
	seen[e->dst] = 1;
	queue[tail++] = e->dst;
	while (head < tail && !found) {
		uint32_t nd = queue[head++];

		for (k = first[nd]; k < first[nd + 1]; k++) {
			const struct fold_gedge *ie = &b->edges[in[k]];

			if (in[k] == ei || b->dead[in[k]] || seen[ie->src])
				continue;
			if (ie->src == e->src) {
				found = 1;
				break;
			}
			seen[ie->src] = 1;
			queue[tail++] = ie->src;
		}
	}
	return found;
}

/*
 * pprof's RemoveRedundantEdges: from the last-ranked node up, drop the
 * lightest residual edges into it that another path already implies,
 * stopping at its first non-residual one.
 */
static int remove_redundant(struct build *b, const uint32_t *order, size_t n)
{
	size_t *first = calloc(b->n + 1, sizeof(*first)), i, k;
	uint32_t *in = malloc((b->ne ? b->ne : 1) * sizeof(*in));
	uint32_t *queue = malloc((b->n ? b->n : 1) * sizeof(*queue));
	uint8_t *seen = malloc(b->n ? b->n : 1);
	size_t *fill = calloc(b->n + 1, sizeof(*fill));
	int rc = -1;

	if (first == NULL || in == NULL || queue == NULL || seen == NULL ||
	    fill == NULL)
		goto out;
	for (i = 0; i < b->ne; i++)
		if (!b->dead[i])
			first[b->edges[i].dst + 1]++;
	for (i = 0; i < b->n; i++)
		first[i + 1] += first[i];
	for (i = 0; i < b->ne; i++)
		if (!b->dead[i]) {
			uint32_t d = b->edges[i].dst;

			in[first[d] + fill[d]++] = (uint32_t)i;
		}
	for (i = 0; i < b->n; i++)
		qsort_r(in + first[i], first[i + 1] - first[i], sizeof(*in),
			edge_cmp, b);
	for (i = n; i > 0; i--) {
		uint32_t nd = order[i - 1];

		for (k = first[nd + 1]; k > first[nd]; k--) {
			uint32_t ei = in[k - 1];

			if (b->dead[ei])
				continue;
			if (!b->edges[ei].residual)
				break;
			if (redundant(b, ei, first, in, queue, seen))
				b->dead[ei] = 1;
		}
	}
	rc = 0;
out:
	free(first);
	free(in);
	free(queue);
	free(seen);
	free(fill);
	return rc;
}

/* A kept[] set of the names of order[0..n). */
static uint8_t *kept_names(const struct build *b, const uint32_t *order,
			   size_t n)
{
	uint8_t *kept = calloc(b->nn ? b->nn : 1, 1);
	size_t i;

	if (kept != NULL)
		for (i = 0; i < n; i++)
			kept[b->nodes[order[i]].name] = 1;
	return kept;
}

/*
 * Build again from the stacks of src (p's, or its projection) with only
 * the names of order[0..n), and rank again.
 */
static int rebuild(struct build *b, const struct fold_graph_opts *o,
		   const struct fold_profile *src, const uint32_t *visit,
		   uint32_t **order, double **score, size_t *n)
{
	uint8_t *kept = kept_names(b, *order, *n);
	const struct fold_names *nm = b->nm;
	size_t edges = b->ne, nn = b->nn;

	if (kept == NULL)
		return -1;
	build_free(b);
	free(*order);
	free(*score);
	*order = NULL;
	*score = NULL;
	if (build(b, src, nm, nn, kept, edges, visit, !o->nodes_only) != 0) {
		free(kept);
		return -1;
	}
	free(kept);
	*order = malloc((b->n ? b->n : 1) * sizeof(**order));
	*score = malloc((b->n ? b->n : 1) * sizeof(**score));
	if (*order == NULL || *score == NULL)
		return -1;
	*n = rank(b, o, *order, *score);
	return 0;
}

/* Stacks by their frame ids, as numbers: shared prefixes next to each other. */
static int ids_cmp(const void *pa, const void *pb, void *arg)
{
	const struct fold_profile *p = arg;
	size_t da, db, n, k;
	const fold_id *a = fold_stack_frames(p, *(const uint32_t *)pa, &da);
	const fold_id *b = fold_stack_frames(p, *(const uint32_t *)pb, &db);

	n = da < db ? da : db;
	k = fold_common_ids(a, b, n);
	if (k < n)
		return a[k] < b[k] ? -1 : 1;
	return (da > db) - (da < db);
}

/*
 * The order the builds visit src's stacks in: sorted by ids, so that each
 * shares most frames with the one before, whose nodes and edges it then
 * need not look up again.  NULL when out of memory.
 */
static uint32_t *visit_order(const struct fold_profile *src)
{
	uint32_t *v = malloc((src->nstacks ? src->nstacks : 1) * sizeof(*v));
	size_t i;

	if (v == NULL)
		return NULL;
	for (i = 0; i < src->nstacks; i++)
		v[i] = (uint32_t)i;
	qsort_r(v, src->nstacks, sizeof(*v), ids_cmp, (void *)src);
	return v;
}

/*
 * Every stack of p with only its frames of kept names, each run of others
 * left as one frame of id marker (never kept), into the empty proj.  A
 * graph built from proj with the names of any subset of kept is the one
 * built from p with them: a frame not kept is skipped whether it stands
 * for one frame or many.  Projected stacks coincide and merge, so the
 * builds that follow (pprof's trimming builds the graph again and again)
 * go over far fewer stacks than p has samples.
 */
static int project(struct fold_profile *proj, const struct fold_profile *p,
		   const uint8_t *kept, fold_id marker)
{
	size_t i, j, depth, n, cap = 0;
	fold_id *buf = NULL;
	int c, any;

	if (p->fractional)
		fold_set_fractional(proj);
	for (i = 0; i < p->nstacks; i++) {
		const fold_id *f = fold_stack_frames(p, i, &depth);
		long k;

		if (fold_grow(&buf, &cap, depth, sizeof(*buf)) != 0)
			goto fail;
		for (j = n = 0, any = 0; j < depth; j++) {
			if (kept[f[j]]) {
				buf[n++] = f[j];
				any = 1;
			} else if (n == 0 || buf[n - 1] != marker) {
				buf[n++] = marker;
			}
		}
		if (!any)
			continue;	/* no kept frame: nothing to build */
		k = fold_stack_get(proj, buf, n);
		if (k < 0)
			goto fail;
		for (c = 0; c < p->ncols; c++) {
			fold_count v = fold_stack_count(p, i, c);

			if (p->fractional)
				fold_add_at_f(proj, (size_t)k, c, v.f);
			else if (fold_add_at(proj, (size_t)k, c, v.u) != 0)
				goto fail;
		}
	}
	free(buf);
	return 0;
fail:
	free(buf);
	return -1;
}

/* The result: ranked nodes, live edges in pprof's order, renumbered. */
static int finish(struct fold_graph *g, struct build *b, const uint32_t *order,
		  size_t n)
{
	uint32_t *pos = malloc((b->n ? b->n : 1) * sizeof(*pos));
	uint32_t *eo = malloc((b->ne ? b->ne : 1) * sizeof(*eo));
	size_t i, ne = 0;

	g->nodes = malloc((n ? n : 1) * sizeof(*g->nodes));
	if (pos == NULL || eo == NULL || g->nodes == NULL)
		goto fail;
	for (i = 0; i < b->n; i++)
		pos[i] = UINT32_MAX;
	for (i = 0; i < n; i++) {
		g->nodes[i] = b->nodes[order[i]];
		pos[order[i]] = (uint32_t)i;
	}
	g->n = n;
	for (i = 0; i < b->ne; i++)
		if (!b->dead[i] && pos[b->edges[i].src] != UINT32_MAX &&
		    pos[b->edges[i].dst] != UINT32_MAX)
			eo[ne++] = (uint32_t)i;
	qsort_r(eo, ne, sizeof(*eo), edge_cmp, b);
	g->edges = malloc((ne ? ne : 1) * sizeof(*g->edges));
	if (g->edges == NULL)
		goto fail;
	for (i = 0; i < ne; i++) {
		g->edges[i] = b->edges[eo[i]];
		g->edges[i].src = pos[g->edges[i].src];
		g->edges[i].dst = pos[g->edges[i].dst];
	}
	g->nedges = ne;
	free(pos);
	free(eo);
	return 0;
fail:
	free(pos);
	free(eo);
	return -1;
}

int fold_graph_build(struct fold_graph *g, const struct fold_profile *p,
		     const struct fold_graph_opts *o, double total)
{
	struct build b;
	struct fold_profile proj;
	const struct fold_profile *src = p;	/* what the builds read */
	uint32_t *order = NULL, *visit = NULL;
	uint8_t *kept = NULL;
	double *score = NULL, sum;
	size_t i, n, nkept;
	int rc = -1, edges, projected = 0;

	memset(g, 0, sizeof(*g));
	memset(&b, 0, sizeof(b));
	g->prof = p;
	g->total = total < 0 ? fold_graph_total(p) : total;
	/*
	 * The first build's flat sums to the profile's total weight, so the
	 * cutoffs are known before it: pprof's int64(total * fraction).
	 */
	sum = fold_gweight(p, p->total);
	g->node_cutoff = fabs(trunc(sum * o->node_fraction));
	g->edge_cutoff = fabs(trunc(sum * o->edge_fraction));
	/*
	 * When nodes may be dropped the graph is built again, so the first
	 * build only needs the nodes' cum: no edges, half the work.
	 */
	edges = !o->nodes_only && g->node_cutoff == 0;
	if (edges) {
		visit = visit_order(p);
		if (visit == NULL)
			return -1;
	}
	if ((edges ? build(&b, p, &p->names, p->names.n, NULL, p->names.n * 3,
			   visit, 1) : build_nodes(&b, p)) != 0)
		goto out;
	order = malloc((b.n ? b.n : 1) * sizeof(*order));
	score = malloc((b.n ? b.n : 1) * sizeof(*score));
	if (order == NULL || score == NULL)
		goto out;

	/* 1. Nodes under the cum cutoff go, and the graph is built again. */
	for (i = n = nkept = 0; i < b.n; i++) {
		if (b.gone[i])
			continue;
		n++;
		if (fabs(b.nodes[i].cumv) >= g->node_cutoff)
			order[nkept++] = (uint32_t)i;
	}
	if (g->node_cutoff > 0 && nkept != n && o->nodes_only) {
		/* Nodes only: one more pass over p costs less than projecting. */
		g->dropped_nodes = n - nkept;
		if (rebuild(&b, o, src, NULL, &order, &score, &nkept) != 0)
			goto out;
		n = nkept;
	} else if (g->node_cutoff > 0 && nkept != n) {
		g->dropped_nodes = n - nkept;
		/*
		 * Every later build keeps a subset of these names: they all
		 * read the stacks projected on them, with the others as one
		 * marker id past p's names.
		 */
		kept = kept_names(&b, order, nkept);
		if (kept == NULL || fold_profile_init(&proj, p->ncols) != 0)
			goto out;
		projected = 1;
		if (project(&proj, p, kept, (fold_id)p->names.n) != 0 ||
		    (visit = visit_order(&proj)) == NULL)
			goto out;
		src = &proj;
		b.nn = p->names.n + 1;
		if (rebuild(&b, o, src, visit, &order, &score, &nkept) != 0)
			goto out;
		n = nkept;
	} else if (!edges && !o->nodes_only) {
		/* Nothing dropped after all: the same graph, with its edges. */
		if ((visit = visit_order(p)) == NULL ||
		    rebuild(&b, o, src, visit, &order, &score, &nkept) != 0)
			goto out;
		n = nkept;
	} else {
		n = rank(&b, o, order, score);
	}
	g->orig_count = n;

	/* 2. The node_count most important nodes. */
	if (o->node_count > 0) {
		trim_edges(&b, g->edge_cutoff);
		if (o->node_count < n) {
			nkept = o->node_count;
			if (rebuild(&b, o, src, visit, &order, &score, &nkept) != 0)
				goto out;
			n = nkept;
		}
	}

	/* 3. Light edges go; drawings lose the residual edges they imply. */
	g->dropped_edges = trim_edges(&b, g->edge_cutoff);
	if (o->visual && remove_redundant(&b, order, n) != 0)
		goto out;
	rc = finish(g, &b, order, n);
out:
	if (rc != 0) {
		fold_graph_free(g);
		errno = errno ? errno : ENOMEM;
	}
	build_free(&b);
	if (projected)
		fold_profile_free(&proj);
	free(kept);
	free(visit);
	free(order);
	free(score);
	return rc;
}

void fold_graph_free(struct fold_graph *g)
{
	free(g->nodes);
	free(g->edges);
	g->nodes = NULL;
	g->edges = NULL;
	g->n = g->nedges = 0;
}
