/* srcgrade._scan: the lexicon scan's trie walks in C (optional; see c_trie.py).
 *
 * Why: the pattern finders and the term trie were `re` searches of big alternations, and `re`
 * costs about 60 microseconds per 4 KB story just to start a match after every non-word
 * character; three such passes were about 370 of the ~925 microseconds of full scoring. Here
 * the same tries are walked in C and all the positions come back in one list per pass.
 *
 * A Trie is built once per rubric from plain tuples (c_trie.CTrieBuilder):
 *   sets:  one tuple per character set, inclusive code point ranges flattened (lo, hi, lo, hi..)
 *          and sorted; worked out in Python from the very regex each atom stands for, so a set
 *          holds exactly the characters `re` matches.
 *   edges: (kind, set, low, high) with kinds SET (one character of the set), REPEAT (low..high
 *          of them, greedy; high < 0: no bound) and BOUNDARY (`\b`, zero width).
 *   tries: each a sequence of paths (a term, a pattern's beginning), a path a sequence of edge
 *          numbers; the trie is built here (sorting the paths), a node's edges in the order of
 *          their numbers.
 * Two walks, over a str or a Text (a str prepared once for several walks):
 *   spot_labels(text, word_trie, any_trie): every position where some path matches, with the
 *     labels of the paths that do (a finder: the labelled entries' own regexes are then tried
 *     there, so reporting a position when the work budget runs out is still exact; missing one
 *     would not be). word_trie paths only count at word starts (after a non-word character or
 *     at the start of the text).
 *   first_hits(text, trie): at each word start, the end of the first match in `re`'s own order
 *     (edges in order, repeats greedy, the node's end last, then `(?!\w)`): the term trie.
 * "Word" is `re`'s `\w` for str patterns: Py_UNICODE_ISALNUM or '_' (SRE_UNI_IS_WORD).
 *
 * Memory: nodes and edges are small structs of int32 (a core rubric's finders have ~21,000
 * nodes): the walks run between Python code that pushes them out of the CPU caches.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h> /* T_OBJECT_EX, READONLY: the slots of a Maker's class */
#include <stdint.h>
#include <string.h>

enum { EDGE_SET = 0, EDGE_REPEAT = 1, EDGE_BOUNDARY = 2 };

/* Nodes with more edges than this get a table of the edges worth trying per next character. */
#define DISPATCH_MIN 4
/* Steps one spot may take before it is reported anyway (a superset of spots is exact). */
#define SPOT_BUDGET 20000
/* Longer paths are refused (the walks recurse once per edge); Python then uses `re`. */
#define MAX_DEPTH 1000
#define NON_ASCII 128 /* the dispatch bucket of every character >= 128 */
#define LIMIT (INT32_MAX / 4)

typedef struct {
    uint32_t ascii[4]; /* bit c: ASCII character c is in the set */
    int32_t nranges;   /* ranges at or above 128 */
    Py_UCS4 *ranges;   /* 2 * nranges: lo, hi (inclusive), sorted */
} CharSet;

/* What a walk needs to know before entering a node: whether it can get anywhere from there. */
typedef struct {
    uint8_t always;    /* the node ends a path, or an edge may consume nothing */
    uint8_t non_ascii; /* an edge may start with a character >= 128 */
    int32_t starts;    /* index of the bitmap of ASCII characters some edge starts with */
} Entry;

/* What a walk reads of a node to go on from it. */
typedef struct {
    int32_t first, count; /* its edges: edges[first .. first + count) */
    int32_t table;        /* -1, or the offset in `tables` of NON_ASCII + 2 offsets (relative to
                             it) of the lists of edge numbers worth trying per next character */
    uint8_t terminal;
} Hop;

typedef struct {
    int32_t child;
    int32_t set;
    int32_t low, high; /* REPEAT bounds; high < 0: unbounded */
    uint8_t kind;
    Entry enter;       /* the child's, here so that a failing test does not touch the child */
    Hop to;            /* the child's too: the walks go on from an edge without reading the
                          child's Node (one cache miss per step instead of two) */
} Edge;

typedef struct {
    Hop hop;
    int32_t labels, nlabels; /* the labels of the paths ending here: labels[labels ..] */
    Entry enter;
} Node;

typedef struct {
    PyObject_HEAD
    Py_ssize_t nsets, nnodes, nedges, nroots, nspecs, nstarts, ntables;
    CharSet *sets;
    Node *nodes;
    Edge *edges;          /* every node's edges, side by side */
    Py_ssize_t *roots;    /* the root node of each trie given */
    Edge *specs;          /* the edges as given, copied into `edges` */
    uint32_t (*starts)[4]; /* the distinct start bitmaps of Entry.starts */
    int32_t *tables;
    int32_t *labels;      /* Node.labels point here */
    Py_ssize_t nlabels, most_label; /* most_label: the largest label + 1 */
    uint32_t *filters;    /* the roots' three-character filters (see below), side by side */
    Py_ssize_t *filter_at; /* root -> its filter's offset in `filters` */
    uint32_t *deeps;       /* the roots' deeper filters (see below), side by side */
    Py_ssize_t *deep_at;   /* root -> its deeper filter's offset in `deeps`, or -1: none */
} TrieObject;

/* A str prepared for walks: UCS-4 (no str kind switch in the inner loops), a word flag per
 * character and the word starts; about 3 microseconds per 4 KB story. */
typedef struct {
    PyObject_HEAD
    Py_ssize_t length;
    Py_UCS4 *text;          /* length + 1 (a trailing NUL) */
    unsigned char *word;    /* word[i]: text[i] is a word character; word[length] = 0 */
    Py_ssize_t nwordstarts;
    Py_ssize_t *wordstarts; /* positions 0..length at the start of the text or after \W */
} TextObject;

typedef struct {
    const TrieObject *trie;
    const TextObject *text;
    long budget;
    unsigned char *marked; /* collect(): marked[label], and the labels marked so far */
    int32_t *found;
    Py_ssize_t nfound;
} Walk;

static PyTypeObject TextType;

static const unsigned char ASCII_WORD[128] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1, ['_'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
    ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
    ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
    ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
    ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
};

/* `re`'s \w for str patterns (SRE_UNI_IS_WORD in CPython's sre). */
static inline int is_word(Py_UCS4 ch)
{
    if (ch < 128)
        return ASCII_WORD[ch];
    return Py_UNICODE_ISALNUM(ch);
}

static int in_ranges(const CharSet *set, Py_UCS4 ch)
{
    int32_t lo = 0, hi = set->nranges; /* binary search */
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (ch < set->ranges[2 * mid])
            hi = mid;
        else if (ch > set->ranges[2 * mid + 1])
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

static inline int in_set(const CharSet *set, Py_UCS4 ch)
{
    if (ch < 128)
        return (set->ascii[ch >> 5] >> (ch & 31)) & 1;
    return in_ranges(set, ch);
}

/* --- the walks ---------------------------------------------------------------------------- */

/* Whether a walk may get anywhere from a node entered at pos: a cheap test before the call. */
static inline int may_enter(const Walk *w, const Entry *enter, Py_ssize_t pos)
{
    if (enter->always)
        return 1;
    if (pos >= w->text->length)
        return 0;
    Py_UCS4 ch = w->text->text[pos];
    if (ch < 128)
        return (w->trie->starts[enter->starts][ch >> 5] >> (ch & 31)) & 1;
    return enter->non_ascii;
}

/* Whether position i is a word boundary (the text's outside counts as non-word). */
static inline int at_boundary(const Walk *w, Py_ssize_t i)
{
    const unsigned char *word = w->text->word;
    return (i > 0 && word[i - 1]) != word[i]; /* word[length] is 0 */
}

/* How many characters of the set follow position pos, at most `most` (< 0: no bound). */
static Py_ssize_t run_length(const Walk *w, const CharSet *set, Py_ssize_t pos, int32_t most)
{
    Py_ssize_t end = w->text->length;
    if (most >= 0 && most < end - pos)
        end = pos + most;
    const Py_UCS4 *text = w->text->text;
    Py_ssize_t i = pos;
    while (i < end && in_set(set, text[i]))
        i++;
    return i - pos;
}

/* The edges of a node worth trying at pos: a list of edge numbers, or NULL for all of them. */
static inline const int32_t *edges_for(const Walk *w, const Hop *node, Py_ssize_t pos,
                                       int32_t *count)
{
    if (node->table < 0 || pos >= w->text->length) {
        *count = node->count;
        return NULL;
    }
    Py_UCS4 ch = w->text->text[pos];
    int bucket = ch < 128 ? (int)ch : NON_ASCII;
    const int32_t *table = w->trie->tables + node->table;
    *count = table[bucket + 1] - table[bucket];
    return table + table[bucket];
}

/* Whether some path from a node (its Hop) matches at pos (a finder's spot). The last edge worth
 * trying is followed by the loop instead of a call (most nodes deep in a trie have one). */
static int exists(Walk *w, const Hop *node, Py_ssize_t pos)
{
    const Py_ssize_t length = w->text->length;
    for (;;) {
        if (--w->budget < 0)
            return 1; /* too much work here: report the spot, the entries' regexes decide */
        if (node->terminal)
            return 1;
        int32_t count;
        const int32_t *list = edges_for(w, node, pos, &count);
        const Hop *next = NULL;
        Py_ssize_t next_pos = 0;
        for (int32_t k = 0; k < count && next == NULL; k++) {
            const Edge *edge = &w->trie->edges[node->first + (list ? list[k] : k)];
            const CharSet *set = &w->trie->sets[edge->set];
            Py_ssize_t to;
            switch (edge->kind) {
            case EDGE_SET:
                if (pos >= length || !in_set(set, w->text->text[pos])
                    || !may_enter(w, &edge->enter, pos + 1))
                    continue;
                to = pos + 1;
                break;
            case EDGE_BOUNDARY:
                if (!at_boundary(w, pos) || !may_enter(w, &edge->enter, pos))
                    continue;
                to = pos;
                break;
            default: { /* EDGE_REPEAT: any count will do; the longest first */
                Py_ssize_t r = run_length(w, set, pos, edge->high);
                while (r >= edge->low && !may_enter(w, &edge->enter, pos + r))
                    r--;
                if (r < edge->low)
                    continue;
                /* the shorter counts need calls; the longest may be followed by the loop */
                for (Py_ssize_t shorter = r - 1; shorter >= edge->low; shorter--)
                    if (may_enter(w, &edge->enter, pos + shorter)
                        && exists(w, &edge->to, pos + shorter))
                        return 1;
                to = pos + r;
                break;
            }
            }
            if (k == count - 1) { /* the last edge: follow it here */
                next = &edge->to;
                next_pos = to;
            }
            else if (exists(w, &edge->to, to))
                return 1;
        }
        if (next == NULL)
            return 0;
        node = next;
        pos = next_pos;
    }
}

/* The end of the first match from a node (its Hop) at pos in `re`'s order, or -1 (the term trie:
 * `(?:...)?` groups try their branches in order, then end there if `(?!\w)` holds). */
static Py_ssize_t first(Walk *w, const Hop *node, Py_ssize_t pos)
{
    const Py_ssize_t length = w->text->length;
    int32_t count;
    const int32_t *list = edges_for(w, node, pos, &count);
    for (int32_t k = 0; k < count; k++) {
        const Edge *edge = &w->trie->edges[node->first + (list ? list[k] : k)];
        const CharSet *set = &w->trie->sets[edge->set];
        Py_ssize_t end;
        switch (edge->kind) {
        case EDGE_SET:
            if (pos < length && in_set(set, w->text->text[pos])
                && may_enter(w, &edge->enter, pos + 1)
                && (end = first(w, &edge->to, pos + 1)) >= 0)
                return end;
            break;
        case EDGE_BOUNDARY:
            if (at_boundary(w, pos) && may_enter(w, &edge->enter, pos)
                && (end = first(w, &edge->to, pos)) >= 0)
                return end;
            break;
        default: { /* EDGE_REPEAT, greedy: the longest run first, as `re` backtracks */
            Py_ssize_t run = run_length(w, set, pos, edge->high);
            for (Py_ssize_t r = run; r >= edge->low; r--)
                if (may_enter(w, &edge->enter, pos + r)
                    && (end = first(w, &edge->to, pos + r)) >= 0)
                    return end;
            break;
        }
        }
    }
    if (node->terminal && !w->text->word[pos])
        return pos;
    return -1;
}

/* Marks the labels of every path from node `index` that matches at pos (the entries worth
 * trying at a spot); -1 when the budget runs out first. */
static int collect(Walk *w, int32_t index, Py_ssize_t pos)
{
    if (--w->budget < 0)
        return -1;
    const TrieObject *trie = w->trie;
    const Node *node = &trie->nodes[index];
    for (int32_t k = 0; k < node->nlabels; k++) {
        int32_t label = trie->labels[node->labels + k];
        if (!w->marked[label]) {
            w->marked[label] = 1;
            w->found[w->nfound++] = label;
        }
    }
    int32_t count;
    const int32_t *list = edges_for(w, &node->hop, pos, &count);
    for (int32_t k = 0; k < count; k++) {
        const Edge *edge = &trie->edges[node->hop.first + (list ? list[k] : k)];
        const CharSet *set = &trie->sets[edge->set];
        switch (edge->kind) {
        case EDGE_SET:
            if (pos < w->text->length && in_set(set, w->text->text[pos])
                && may_enter(w, &edge->enter, pos + 1) && collect(w, edge->child, pos + 1) < 0)
                return -1;
            break;
        case EDGE_BOUNDARY:
            if (at_boundary(w, pos) && may_enter(w, &edge->enter, pos)
                && collect(w, edge->child, pos) < 0)
                return -1;
            break;
        default: {
            Py_ssize_t run = run_length(w, set, pos, edge->high);
            for (Py_ssize_t r = run; r >= edge->low; r--)
                if (may_enter(w, &edge->enter, pos + r) && collect(w, edge->child, pos + r) < 0)
                    return -1;
            break;
        }
        }
    }
    return 0;
}

/* --- Text ---------------------------------------------------------------------------------- */

static void text_dealloc(TextObject *self)
{
    PyMem_Free(self->text);
    PyMem_Free(self->word);
    PyMem_Free(self->wordstarts);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* One pass per storage kind: each character widened to UCS-4, its word flag and the word
 * starts together (a copy by PyUnicode_AsUCS4Copy and then a second pass over the copy cost
 * about a third more). */
#define TEXT_FILL(TYPE)                                                                        \
    do {                                                                                       \
        const TYPE *chars = data;                                                              \
        for (Py_ssize_t i = 0; i < n; i++) {                                                   \
            const Py_UCS4 ch = chars[i];                                                       \
            const int word = ch < 128 ? ASCII_WORD[ch] : Py_UNICODE_ISALNUM(ch);               \
            out[i] = ch;                                                                       \
            flags[i] = (unsigned char)word;                                                    \
            wordstarts[starts] = i; /* kept only after a non-word character: no branch */      \
            starts += !previous;                                                               \
            previous = word;                                                                   \
        }                                                                                      \
    } while (0)

/* The buffers of a text of `str`'s length, with room for `most_starts` word starts; -1 with
 * MemoryError set when one cannot be had (text_dealloc frees what was allocated). */
static int text_alloc(TextObject *self, PyObject *str, Py_ssize_t most_starts)
{
    if (PyUnicode_READY(str) < 0)
        return -1;
    const Py_ssize_t n = PyUnicode_GET_LENGTH(str);
    self->length = n;
    self->text = PyMem_Malloc(sizeof(Py_UCS4) * ((size_t)n + 1));
    self->word = PyMem_Malloc((size_t)n + 1);
    self->wordstarts = PyMem_Malloc(sizeof(Py_ssize_t) * ((size_t)most_starts + 1));
    if (self->text == NULL || self->word == NULL || self->wordstarts == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static int text_fill(TextObject *self, PyObject *str)
{
    if (PyUnicode_READY(str) < 0 || text_alloc(self, str, PyUnicode_GET_LENGTH(str)) < 0)
        return -1;
    const Py_ssize_t n = self->length;
    const int kind = PyUnicode_KIND(str);
    const void *data = PyUnicode_DATA(str);
    Py_UCS4 *out = self->text;
    unsigned char *flags = self->word;
    Py_ssize_t *wordstarts = self->wordstarts;
    Py_ssize_t starts = 0;
    int previous = 0;
    if (kind == PyUnicode_1BYTE_KIND)
        TEXT_FILL(Py_UCS1);
    else if (kind == PyUnicode_2BYTE_KIND)
        TEXT_FILL(Py_UCS2);
    else
        TEXT_FILL(Py_UCS4);
    out[n] = 0; /* the trailing NUL */
    flags[n] = 0;
    wordstarts[starts] = n;
    starts += !previous;
    self->nwordstarts = starts;
    return 0;
}
#undef TEXT_FILL

/* `like`'s word flags and word starts for `str`, a text as long whose characters are word
 * characters where like's are (the lowered text: pattern_scan.lowered keeps each character's
 * place, and str.lower() keeps isalnum(), which tests/test_matcher_equivalence.py checks on
 * every code point); only the characters are read. */
#define TEXT_WIDEN(TYPE)                                                                       \
    do {                                                                                       \
        const TYPE *chars = data;                                                              \
        for (Py_ssize_t i = 0; i < n; i++)                                                     \
            out[i] = chars[i];                                                                 \
    } while (0)

static int text_fill_like(TextObject *self, PyObject *str, const TextObject *like)
{
    if (text_alloc(self, str, like->nwordstarts) < 0)
        return -1;
    const Py_ssize_t n = self->length;
    self->nwordstarts = like->nwordstarts;
    const int kind = PyUnicode_KIND(str);
    const void *data = PyUnicode_DATA(str);
    Py_UCS4 *out = self->text;
    if (kind == PyUnicode_1BYTE_KIND)
        TEXT_WIDEN(Py_UCS1);
    else if (kind == PyUnicode_2BYTE_KIND)
        TEXT_WIDEN(Py_UCS2);
    else
        memcpy(out, data, sizeof(Py_UCS4) * (size_t)n);
    out[n] = 0;
    memcpy(self->word, like->word, (size_t)n + 1);
    memcpy(self->wordstarts, like->wordstarts, sizeof(Py_ssize_t) * (size_t)like->nwordstarts);
    return 0;
}
#undef TEXT_WIDEN

static PyObject *text_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"text", "like", NULL};
    PyObject *str, *like = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "U|O:Text", keywords, &str, &like))
        return NULL;
    if (like != Py_None && !PyObject_TypeCheck(like, &TextType)) {
        PyErr_SetString(PyExc_TypeError, "like must be a Text or None");
        return NULL;
    }
    if (PyUnicode_READY(str) < 0)
        return NULL;
    TextObject *self = (TextObject *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    const TextObject *model = (const TextObject *)like;
    if ((like != Py_None && model->length == PyUnicode_GET_LENGTH(str)
         ? text_fill_like(self, str, model) : text_fill(self, str)) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    return (PyObject *)self;
}

static Py_ssize_t text_length(TextObject *self) { return self->length; }

static PySequenceMethods text_as_sequence = {.sq_length = (lenfunc)text_length};

PyDoc_STRVAR(text_doc,
"Text(text, like=None): a str prepared once for several walks (its characters as UCS-4, which\n"
"are word characters, where words start). like: a Text as long whose characters are word\n"
"characters exactly where text's are (the text, for its lowered form): its flags are copied.");

static PyTypeObject TextType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "srcgrade._scan.Text",
    .tp_basicsize = sizeof(TextObject),
    .tp_dealloc = (destructor)text_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = text_doc,
    .tp_as_sequence = &text_as_sequence,
    .tp_new = text_new,
};

/* The argument as a Text: itself (a new reference), or a str prepared now. */
static TextObject *as_text(PyObject *arg)
{
    if (PyObject_TypeCheck(arg, &TextType)) {
        Py_INCREF(arg);
        return (TextObject *)arg;
    }
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "text must be a str or a Text");
        return NULL;
    }
    TextObject *text = PyObject_New(TextObject, &TextType);
    if (text == NULL)
        return NULL;
    text->text = NULL;
    text->word = NULL;
    text->wordstarts = NULL;
    text->length = text->nwordstarts = 0;
    if (text_fill(text, arg) < 0) {
        Py_DECREF(text);
        return NULL;
    }
    return text;
}

/* --- building a Trie ----------------------------------------------------------------------- */

static void trie_clear(TrieObject *self)
{
    if (self->sets != NULL)
        for (Py_ssize_t i = 0; i < self->nsets; i++)
            PyMem_Free(self->sets[i].ranges);
    PyMem_Free(self->sets);
    PyMem_Free(self->nodes);
    PyMem_Free(self->edges);
    PyMem_Free(self->roots);
    PyMem_Free(self->specs);
    PyMem_Free(self->starts);
    PyMem_Free(self->tables);
    PyMem_Free(self->labels);
    PyMem_Free(self->filters);
    PyMem_Free(self->filter_at);
    PyMem_Free(self->deeps);
    PyMem_Free(self->deep_at);
    self->deeps = NULL;
    self->deep_at = NULL;
    self->labels = NULL;
    self->filters = NULL;
    self->filter_at = NULL;
    self->nlabels = self->most_label = 0;
    self->sets = NULL;
    self->nodes = NULL;
    self->edges = NULL;
    self->roots = NULL;
    self->specs = NULL;
    self->starts = NULL;
    self->tables = NULL;
    self->nsets = self->nnodes = self->nedges = self->nroots = self->nspecs = 0;
    self->nstarts = self->ntables = 0;
}

static void trie_dealloc(TrieObject *self)
{
    trie_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int fill_set(CharSet *set, PyObject *ranges)
{
    PyObject *seq = PySequence_Fast(ranges, "a character set is a tuple of ints");
    if (seq == NULL)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if (n % 2 || n > LIMIT) {
        PyErr_SetString(PyExc_ValueError, "a character set needs (lo, hi) pairs");
        Py_DECREF(seq);
        return -1;
    }
    set->ranges = PyMem_Malloc(sizeof(Py_UCS4) * (n > 0 ? (size_t)n : 1));
    if (set->ranges == NULL) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return -1;
    }
    int32_t kept = 0;
    long previous = -1;
    for (Py_ssize_t i = 0; i < n; i += 2) {
        long lo = PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, i));
        long hi = PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, i + 1));
        if (PyErr_Occurred()) {
            Py_DECREF(seq);
            return -1;
        }
        if (lo <= previous || hi < lo || hi > 0x10FFFF) {
            PyErr_SetString(PyExc_ValueError, "character set ranges must be sorted code points");
            Py_DECREF(seq);
            return -1;
        }
        previous = hi;
        for (long c = lo; c <= hi && c < 128; c++) /* the ASCII part goes to the bitmap */
            set->ascii[c >> 5] |= (uint32_t)1 << (c & 31);
        if (hi >= 128) {
            set->ranges[2 * kept] = (Py_UCS4)(lo < 128 ? 128 : lo);
            set->ranges[2 * kept + 1] = (Py_UCS4)hi;
            kept++;
        }
    }
    set->nranges = kept;
    Py_DECREF(seq);
    return 0;
}

static int read_sets(TrieObject *self, PyObject *sets_arg)
{
    PyObject *sets = PySequence_Fast(sets_arg, "sets must be a sequence");
    if (sets == NULL)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(sets);
    int result = 0;
    self->sets = n > LIMIT ? NULL : PyMem_Calloc(n > 0 ? (size_t)n : 1, sizeof(CharSet));
    if (self->sets == NULL) {
        PyErr_NoMemory();
        result = -1;
    }
    else {
        self->nsets = n;
        for (Py_ssize_t i = 0; i < n && result == 0; i++)
            result = fill_set(&self->sets[i], PySequence_Fast_GET_ITEM(sets, i));
    }
    Py_DECREF(sets);
    return result;
}

static int read_specs(TrieObject *self, PyObject *edges_arg)
{
    PyObject *edges = PySequence_Fast(edges_arg, "edges must be a sequence");
    if (edges == NULL)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(edges);
    int result = 0;
    self->specs = n > LIMIT ? NULL : PyMem_Calloc(n > 0 ? (size_t)n : 1, sizeof(Edge));
    if (self->specs == NULL) {
        PyErr_NoMemory();
        result = -1;
    }
    for (Py_ssize_t i = 0; i < n && result == 0; i++) {
        long long kind, set, low, high;
        PyObject *item = PySequence_Fast_GET_ITEM(edges, i);
        if (!PyTuple_Check(item)
            || !PyArg_ParseTuple(item, "LLLL;an edge is (kind, set, low, high)", &kind, &set,
                                 &low, &high)) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "an edge is a tuple (kind, set, low, high)");
            result = -1;
        }
        else if (kind < EDGE_SET || kind > EDGE_BOUNDARY || set < 0 || set >= self->nsets
                 || low < 0 || low > LIMIT || high > LIMIT || (high >= 0 && high < low)) {
            PyErr_SetString(PyExc_ValueError, "edge out of range");
            result = -1;
        }
        else {
            Edge *spec = &self->specs[i];
            spec->kind = (uint8_t)kind;
            spec->set = (int32_t)set;
            spec->low = (int32_t)low;
            spec->high = high < 0 ? -1 : (int32_t)high;
            spec->child = -1;
            self->nspecs = i + 1;
        }
    }
    Py_DECREF(edges);
    return result;
}

/* One sequence of edge numbers (a term's or a prefix's path), for sorting. */
typedef struct {
    int32_t *ids;
    Py_ssize_t length;
    int32_t label; /* -1: none */
} Path;

static int compare_paths(const void *a, const void *b)
{
    const Path *x = a, *y = b;
    Py_ssize_t n = x->length < y->length ? x->length : y->length;
    for (Py_ssize_t i = 0; i < n; i++)
        if (x->ids[i] != y->ids[i])
            return x->ids[i] < y->ids[i] ? -1 : 1;
    if (x->length != y->length)
        return x->length < y->length ? -1 : 1;
    return (x->label > y->label) - (x->label < y->label);
}

static void free_paths(Path *paths, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++)
        PyMem_Free(paths[i].ids);
    PyMem_Free(paths);
}

/* One path's edge numbers; -1 with an exception set when it is not a valid path. */
static int read_path(TrieObject *self, PyObject *item, Path *path)
{
    PyObject *seq = PySequence_Fast(item, "a path is a sequence of edge numbers");
    if (seq == NULL)
        return -1;
    Py_ssize_t length = PySequence_Fast_GET_SIZE(seq);
    if (length > MAX_DEPTH) {
        Py_DECREF(seq);
        PyErr_SetString(PyExc_ValueError, "trie too deep for the C walker");
        return -1;
    }
    path->ids = PyMem_Malloc(sizeof(int32_t) * (length > 0 ? (size_t)length : 1));
    if (path->ids == NULL) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return -1;
    }
    path->length = length;
    for (Py_ssize_t k = 0; k < length; k++) {
        long id = PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, k));
        if (id == -1 && PyErr_Occurred()) {
            Py_DECREF(seq);
            return -1;
        }
        if (id < 0 || id >= self->nspecs) {
            Py_DECREF(seq);
            PyErr_SetString(PyExc_ValueError, "edge number out of range");
            return -1;
        }
        path->ids[k] = (int32_t)id;
    }
    Py_DECREF(seq);
    return 0;
}

/* Reads one trie's paths, sorted (a node's children then come in the order of their edges). */
static Path *read_paths(TrieObject *self, PyObject *trie_arg, PyObject *labels_arg,
                        Py_ssize_t *count)
{
    PyObject *trie = PySequence_Fast(trie_arg, "a trie is a sequence of paths");
    if (trie == NULL)
        return NULL;
    PyObject *labels = NULL;
    if (labels_arg != Py_None) {
        labels = PySequence_Fast(labels_arg, "labels must be a sequence of ints");
        if (labels == NULL) {
            Py_DECREF(trie);
            return NULL;
        }
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(trie);
    Path *paths = n > LIMIT ? NULL : PyMem_Calloc(n > 0 ? (size_t)n : 1, sizeof(Path));
    if (paths == NULL)
        PyErr_NoMemory();
    else if (labels != NULL && PySequence_Fast_GET_SIZE(labels) != n) {
        PyErr_SetString(PyExc_ValueError, "one label per path");
        PyMem_Free(paths);
        paths = NULL;
    }
    for (Py_ssize_t i = 0; paths != NULL && i < n; i++) {
        paths[i].label = -1;
        if (labels != NULL) {
            long label = PyLong_AsLong(PySequence_Fast_GET_ITEM(labels, i));
            if (label == -1 && PyErr_Occurred())
                ;
            else if (label < 0 || label > LIMIT)
                PyErr_SetString(PyExc_ValueError, "labels must be ints from 0");
            else
                paths[i].label = (int32_t)label;
        }
        if (PyErr_Occurred() || read_path(self, PySequence_Fast_GET_ITEM(trie, i), &paths[i]) < 0) {
            free_paths(paths, n);
            paths = NULL;
        }
    }
    Py_DECREF(trie);
    Py_XDECREF(labels);
    if (paths == NULL)
        return NULL;
    qsort(paths, (size_t)n, sizeof(Path), compare_paths);
    *count = n;
    return paths;
}

/* Growing arrays while the tries are built: nodes, and each node's parent and edge. */
typedef struct {
    Py_ssize_t capacity;
    int32_t *parent;
    int32_t *via;
    Py_ssize_t npairs, pairs_capacity;
    int32_t *pairs; /* (node, label) of every labelled path, in the order of the nodes */
} Growth;

static int add_label(Growth *g, int32_t node, int32_t label)
{
    if (g->npairs > 0 && g->pairs[2 * g->npairs - 2] == node && g->pairs[2 * g->npairs - 1] == label)
        return 0; /* the same path twice */
    if (g->npairs == g->pairs_capacity) {
        Py_ssize_t size = g->pairs_capacity * 2 + 64;
        if (size > LIMIT)
            return PyErr_SetString(PyExc_ValueError, "too many labels"), -1;
        int32_t *grown = PyMem_Realloc(g->pairs, sizeof(int32_t) * 2 * (size_t)size);
        if (grown == NULL)
            return PyErr_NoMemory(), -1;
        g->pairs = grown;
        g->pairs_capacity = size;
    }
    g->pairs[2 * g->npairs] = node;
    g->pairs[2 * g->npairs + 1] = label;
    g->npairs++;
    return 0;
}

static int new_node(TrieObject *self, Growth *g, int32_t parent, int32_t via)
{
    if (self->nnodes >= LIMIT) {
        PyErr_SetString(PyExc_ValueError, "trie too large");
        return -1;
    }
    if (self->nnodes == g->capacity) {
        Py_ssize_t size = g->capacity * 2 + 64;
        Node *nodes = PyMem_Realloc(self->nodes, sizeof(Node) * (size_t)size);
        if (nodes == NULL)
            return PyErr_NoMemory(), -1;
        self->nodes = nodes;
        int32_t *grown = PyMem_Realloc(g->parent, sizeof(int32_t) * (size_t)size);
        if (grown == NULL)
            return PyErr_NoMemory(), -1;
        g->parent = grown;
        grown = PyMem_Realloc(g->via, sizeof(int32_t) * (size_t)size);
        if (grown == NULL)
            return PyErr_NoMemory(), -1;
        g->via = grown;
        g->capacity = size;
    }
    int32_t node = (int32_t)self->nnodes++;
    memset(&self->nodes[node], 0, sizeof(Node));
    self->nodes[node].hop.table = -1;
    g->parent[node] = parent;
    g->via[node] = via;
    return node;
}

/* Adds one trie's nodes: its root first, then in preorder (children after their parent, in the
 * order of their edge numbers, as the paths are sorted). */
static int add_trie(TrieObject *self, const Path *paths, Py_ssize_t npaths, Growth *g)
{
    int32_t stack[MAX_DEPTH + 1]; /* stack[d]: the node at depth d on the previous path */
    int32_t root = new_node(self, g, -1, -1);
    if (root < 0)
        return -1;
    stack[0] = root;
    const Path *previous = NULL;
    for (Py_ssize_t i = 0; i < npaths; i++) {
        const Path *path = &paths[i];
        Py_ssize_t common = 0;
        if (previous != NULL)
            while (common < previous->length && common < path->length
                   && previous->ids[common] == path->ids[common])
                common++;
        for (Py_ssize_t d = common; d < path->length; d++) {
            int32_t node = new_node(self, g, stack[d], path->ids[d]);
            if (node < 0)
                return -1;
            stack[d + 1] = node;
        }
        self->nodes[stack[path->length]].hop.terminal = 1;
        if (path->label >= 0 && add_label(g, stack[path->length], path->label) < 0)
            return -1;
        previous = path;
    }
    return 0;
}

/* Whether an edge may be taken when `ch` comes next (bucket NON_ASCII: some character >= 128). */
static int edge_may_start(const TrieObject *self, const Edge *edge, int bucket)
{
    if (edge->kind == EDGE_BOUNDARY || (edge->kind == EDGE_REPEAT && edge->low == 0))
        return 1; /* consumes nothing, or need not */
    const CharSet *set = &self->sets[edge->set];
    if (bucket == NON_ASCII)
        return set->nranges > 0;
    return (set->ascii[bucket >> 5] >> (bucket & 31)) & 1;
}

/* A node's Entry: what its edges may start with. Start bitmaps are shared (few distinct ones:
 * most nodes start with one literal). */
static int note_entry(TrieObject *self, Node *node)
{
    uint32_t bits[4] = {0, 0, 0, 0};
    node->enter.always = node->hop.terminal;
    node->enter.non_ascii = 0;
    for (int32_t k = 0; k < node->hop.count; k++) {
        const Edge *edge = &self->edges[node->hop.first + k];
        node->enter.non_ascii |= (uint8_t)edge_may_start(self, edge, NON_ASCII);
        if (edge->kind == EDGE_BOUNDARY || (edge->kind == EDGE_REPEAT && edge->low == 0))
            node->enter.always = 1;
        else
            for (int q = 0; q < 4; q++)
                bits[q] |= self->sets[edge->set].ascii[q];
    }
    for (Py_ssize_t i = 0; i < self->nstarts; i++)
        if (memcmp(self->starts[i], bits, sizeof(bits)) == 0) {
            node->enter.starts = (int32_t)i;
            return 0;
        }
    if ((self->nstarts & (self->nstarts - 1)) == 0) { /* 0, 1, 2, 4...: grow by doubling */
        Py_ssize_t size = self->nstarts ? self->nstarts * 2 : 1;
        uint32_t(*grown)[4] = PyMem_Realloc(self->starts, sizeof(bits) * (size_t)size);
        if (grown == NULL)
            return PyErr_NoMemory(), -1;
        self->starts = grown;
    }
    memcpy(self->starts[self->nstarts], bits, sizeof(bits));
    node->enter.starts = (int32_t)self->nstarts++;
    return 0;
}

/* The per-character edge lists of the nodes with many edges (order kept: `first` needs it). */
static int build_tables(TrieObject *self)
{
    Py_ssize_t total = 0;
    for (Py_ssize_t i = 0; i < self->nnodes; i++) {
        const Hop *node = &self->nodes[i].hop;
        if (node->count <= DISPATCH_MIN)
            continue;
        total += NON_ASCII + 2;
        for (int bucket = 0; bucket <= NON_ASCII; bucket++)
            for (int32_t k = 0; k < node->count; k++)
                total += edge_may_start(self, &self->edges[node->first + k], bucket);
        if (total > LIMIT) {
            PyErr_SetString(PyExc_ValueError, "trie too large");
            return -1;
        }
    }
    self->tables = PyMem_Malloc(sizeof(int32_t) * (total > 0 ? (size_t)total : 1));
    if (self->tables == NULL)
        return PyErr_NoMemory(), -1;
    int32_t at = 0;
    for (Py_ssize_t i = 0; i < self->nnodes; i++) {
        Hop *node = &self->nodes[i].hop;
        if (node->count <= DISPATCH_MIN)
            continue;
        int32_t *table = self->tables + at;
        int32_t used = NON_ASCII + 2;
        node->table = at;
        for (int bucket = 0; bucket <= NON_ASCII; bucket++) {
            table[bucket] = used;
            for (int32_t k = 0; k < node->count; k++)
                if (edge_may_start(self, &self->edges[node->first + k], bucket))
                    table[used++] = k;
        }
        table[NON_ASCII + 1] = used;
        at += used;
    }
    self->ntables = at;
    return 0;
}

/* Each node's labels, side by side (pairs of one node are adjacent: the paths were sorted). */
static int link_labels(TrieObject *self, const Growth *g)
{
    self->labels = PyMem_Malloc(sizeof(int32_t) * (g->npairs > 0 ? (size_t)g->npairs : 1));
    if (self->labels == NULL)
        return PyErr_NoMemory(), -1;
    for (Py_ssize_t i = 0; i < g->npairs; i++) {
        Node *node = &self->nodes[g->pairs[2 * i]];
        int32_t label = g->pairs[2 * i + 1];
        if (node->nlabels == 0)
            node->labels = (int32_t)i;
        else if (node->labels + node->nlabels != i) {
            PyErr_SetString(PyExc_SystemError, "labels of a node out of order");
            return -1;
        }
        node->nlabels++;
        self->labels[i] = label;
        if (label + 1 > self->most_label)
            self->most_label = label + 1;
    }
    self->nlabels = g->npairs;
    return 0;
}

/* Lays out each node's edges side by side (children were numbered in order: so are they), then
 * the entries and the tables. */
static int link_edges(TrieObject *self, const Growth *g)
{
    self->nedges = self->nnodes - self->nroots;
    self->edges = PyMem_Calloc(self->nedges > 0 ? (size_t)self->nedges : 1, sizeof(Edge));
    if (self->edges == NULL)
        return PyErr_NoMemory(), -1;
    for (Py_ssize_t i = 0; i < self->nnodes; i++)
        if (g->parent[i] >= 0)
            self->nodes[g->parent[i]].hop.count++;
    int32_t at = 0;
    for (Py_ssize_t i = 0; i < self->nnodes; i++) {
        self->nodes[i].hop.first = at;
        at += self->nodes[i].hop.count;
        self->nodes[i].hop.count = 0; /* counted again as the edges are filled */
    }
    for (Py_ssize_t i = 0; i < self->nnodes; i++) {
        if (g->parent[i] < 0)
            continue;
        Hop *up = &self->nodes[g->parent[i]].hop;
        Edge *edge = &self->edges[up->first + up->count++];
        *edge = self->specs[g->via[i]];
        edge->child = (int32_t)i;
    }
    if (link_labels(self, g) < 0)
        return -1;
    for (Py_ssize_t i = 0; i < self->nnodes; i++)
        if (note_entry(self, &self->nodes[i]) < 0)
            return -1;
    for (Py_ssize_t i = 0; i < self->nedges; i++)
        self->edges[i].enter = self->nodes[self->edges[i].child].enter;
    if (build_tables(self) < 0)
        return -1;
    for (Py_ssize_t i = 0; i < self->nedges; i++) /* the tables are known now */
        self->edges[i].to = self->nodes[self->edges[i].child].hop;
    return 0;
}

/* --- the three-character filter ----------------------------------------------------------
 *
 * Why: the walks are memory-bound. A finder is entered at ~700 word starts per story, and each
 * entry reads a node, its dispatch table, an edge and the child (the core rubric's lowered
 * finder is 1.4 MB, more than a core's L2 cache, and the Python code between the walks evicts
 * it): about 25-40 ns per node visited. Most entries fail within three characters. So each
 * root gets a bitmap (8 KB, stays in L1) of the hashed three-character beginnings (each
 * character as its ASCII code, or one bucket for everything >= 128) that some path could start
 * with; a position whose next three characters are not in it is skipped without touching the
 * trie. The bitmap is a superset (hash collisions, `\b` taken as always true, a path that ends
 * sooner takes any continuation), so it only skips positions where the walk finds nothing:
 * spots and hits are the same. When enumerating a root's beginnings takes too many steps, its
 * bitmap is all ones (no filtering). A root with so many beginnings that a quarter of its 8 KB
 * bitmap is set (the case-sensitive finder's capitalised names: three-quarters were) gets
 * 128 KB instead (FILTER_BITS_WIDE; it stays in L2): the core rubric's case-sensitive finder
 * was entered at 494 of 788 word starts per story, 255 with the wider bitmap. A filter is
 * stored as its number of bits, then the bitmap. */
#define FILTER_BITS 16
#define FILTER_BITS_WIDE 20
#define FILTER_WORDS(bits) (((Py_ssize_t)1 << (bits)) / 32)
#define FILTER_STEPS 4000000L
#define BUCKETS (NON_ASCII + 1)

static inline uint32_t filter_hash(int b0, int b1, int b2, uint32_t bits)
{
    uint32_t key = ((uint32_t)b0 * BUCKETS + (uint32_t)b1) * BUCKETS + (uint32_t)b2;
    return (key * 2654435761u) >> (32 - bits);
}

typedef struct {
    const TrieObject *trie;
    uint32_t nbits;
    uint32_t *bits;
    long steps; /* left; < 0: gave up */
    int b[3];   /* the buckets consumed so far */
} Marking;

/* Whether an edge's set holds bucket c (NON_ASCII: some character >= 128). */
static int set_has_bucket(const CharSet *set, int c)
{
    if (c == NON_ASCII)
        return set->nranges > 0;
    return (set->ascii[c >> 5] >> (c & 31)) & 1;
}

static void mark_node(Marking *m, int32_t index, int n);

/* Every continuation of the n buckets consumed: the path may end here. */
static void mark_all(Marking *m, int n)
{
    if (--m->steps < 0)
        return;
    if (n == 3) {
        uint32_t h = filter_hash(m->b[0], m->b[1], m->b[2], m->nbits);
        m->bits[h >> 5] |= (uint32_t)1 << (h & 31);
        return;
    }
    for (int c = 0; c < BUCKETS && m->steps >= 0; c++) {
        m->b[n] = c;
        mark_all(m, n + 1);
    }
}

/* A repeat edge that has consumed `done` characters so far, n buckets in all. */
static void mark_repeat(Marking *m, const Edge *edge, int n, int32_t done)
{
    if (--m->steps < 0)
        return;
    if (n == 3) {
        mark_all(m, 3);
        return;
    }
    if (done >= edge->low)
        mark_node(m, edge->child, n);
    if (edge->high >= 0 && done >= edge->high)
        return;
    const CharSet *set = &m->trie->sets[edge->set];
    for (int c = 0; c < BUCKETS && m->steps >= 0; c++)
        if (set_has_bucket(set, c)) {
            m->b[n] = c;
            mark_repeat(m, edge, n + 1, done + 1);
        }
}

/* The beginnings of the paths from node `index`, n buckets consumed. */
static void mark_node(Marking *m, int32_t index, int n)
{
    if (--m->steps < 0)
        return;
    const Hop *node = &m->trie->nodes[index].hop;
    if (n == 3 || node->terminal) {
        mark_all(m, n);
        return;
    }
    for (int32_t k = 0; k < node->count && m->steps >= 0; k++) {
        const Edge *edge = &m->trie->edges[node->first + k];
        const CharSet *set = &m->trie->sets[edge->set];
        switch (edge->kind) {
        case EDGE_SET:
            for (int c = 0; c < BUCKETS && m->steps >= 0; c++)
                if (set_has_bucket(set, c)) {
                    m->b[n] = c;
                    mark_node(m, edge->child, n + 1);
                }
            break;
        case EDGE_BOUNDARY:
            mark_node(m, edge->child, n);
            break;
        default:
            mark_repeat(m, edge, n, 0);
            break;
        }
    }
}

/* Marks root t's beginnings in a bitmap of `nbits` bits (all ones when there are too many to
 * list); how many bits are set. */
static Py_ssize_t mark_filter(TrieObject *self, Py_ssize_t t, uint32_t nbits, uint32_t *bits)
{
    Marking m = {self, nbits, bits, FILTER_STEPS, {0, 0, 0}};
    const Py_ssize_t words = FILTER_WORDS(nbits);
    memset(bits, 0, (size_t)words * sizeof(uint32_t));
    mark_node(&m, (int32_t)self->roots[t], 0);
    if (m.steps < 0) /* too many beginnings to list: no filtering for this trie */
        memset(bits, 0xff, (size_t)words * sizeof(uint32_t));
    Py_ssize_t set = 0;
    for (Py_ssize_t i = 0; i < words; i++)
        set += __builtin_popcount(bits[i]);
    return m.steps < 0 ? -1 : set;
}

static int build_filters(TrieObject *self)
{
    const Py_ssize_t most = 1 + FILTER_WORDS(FILTER_BITS_WIDE);
    self->filter_at = PyMem_Calloc(self->nroots > 0 ? (size_t)self->nroots : 1, sizeof(Py_ssize_t));
    self->filters = PyMem_Malloc((size_t)(self->nroots > 0 ? self->nroots : 1) * (size_t)most
                                 * sizeof(uint32_t));
    if (self->filter_at == NULL || self->filters == NULL)
        return PyErr_NoMemory(), -1;
    Py_ssize_t at = 0;
    for (Py_ssize_t t = 0; t < self->nroots; t++) {
        uint32_t *filter = self->filters + at;
        uint32_t nbits = FILTER_BITS;
        Py_ssize_t set = mark_filter(self, t, nbits, filter + 1);
        if (set > FILTER_WORDS(nbits) * 32 / 4) { /* crowded: collisions let most through */
            nbits = FILTER_BITS_WIDE;
            mark_filter(self, t, nbits, filter + 1);
        }
        filter[0] = nbits;
        self->filter_at[t] = at;
        at += 1 + FILTER_WORDS(nbits);
    }
    uint32_t *fitted = PyMem_Realloc(self->filters, (size_t)(at > 0 ? at : 1) * sizeof(uint32_t));
    if (fitted != NULL) /* else the larger block stays */
        self->filters = fitted;
    return 0;
}

/* Trie number -> its filter (NULL for a trie number < 0: not used). */
static const uint32_t *filter_of(const TrieObject *self, Py_ssize_t trie)
{
    return trie < 0 ? NULL : self->filters + self->filter_at[trie];
}

/* Whether some path of a trie may begin at pos, by its filter and the next three characters
 * (fewer left: maybe). */
static inline int may_begin(const uint32_t *filter, const TextObject *text, Py_ssize_t pos)
{
    if (pos + 3 > text->length)
        return 1;
    const Py_UCS4 *next = text->text + pos;
    int b0 = next[0] < 128 ? (int)next[0] : NON_ASCII;
    int b1 = next[1] < 128 ? (int)next[1] : NON_ASCII;
    int b2 = next[2] < 128 ? (int)next[2] : NON_ASCII;
    uint32_t h = filter_hash(b0, b1, b2, filter[0]);
    return (filter[1 + (h >> 5)] >> (h & 31)) & 1;
}

/* --- the deeper filter --------------------------------------------------------------------
 *
 * Why: what passes the three-character filter is mostly a common word that begins some path
 * ("the", "of", "in", "may": the core rubric's lowered finder was entered at 325 word starts
 * per story for 16 spots, about five node visits each). A second bitmap per root holds the
 * hashed DEEP-character beginnings of its paths, and, for a path that ends sooner, its
 * characters and an end mark; a position passes if one of the keys its next characters make
 * is set. Exact in the same way (a superset: `\b` taken as true, hash collisions). A root
 * whose beginnings take too many steps to list (capitalised-name classes) or fill a quarter of
 * the bitmap has none (deep_at -1). */
#define DEEP 6
#define DEEP_BITS 18
#define DEEP_WORDS (((Py_ssize_t)1 << DEEP_BITS) / 32)
#define DEEP_STEPS 300000L
/* The deeper filter reads characters by class: ASCII white space is one class, so are the
 * digits (repeats of \s and \d would otherwise multiply the beginnings to list by 10 at every
 * character), every other ASCII character is its own, everything >= 128 one more. */
#define CLASSES 111
#define RADIX ((uint64_t)CLASSES + 1) /* a key's digits: classes, and END */
#define END ((uint64_t)CLASSES)

static unsigned char CLASS_OF[BUCKETS];   /* bucket -> class */
static int CLASS_FIRST[CLASSES];          /* class -> its first bucket */

static void init_classes(void)
{
    int next = 0, space = -1, digit = -1;
    for (int b = 0; b < BUCKETS; b++) {
        int is_space = b < 128 && (b == ' ' || (b >= 9 && b <= 13) || (b >= 28 && b <= 31));
        int is_digit = b >= '0' && b <= '9';
        int *shared = is_space ? &space : is_digit ? &digit : NULL;
        if (shared != NULL && *shared >= 0) {
            CLASS_OF[b] = (unsigned char)*shared;
            continue;
        }
        if (shared != NULL)
            *shared = next;
        if (next < CLASSES) /* always: 129 buckets, 10 spaces and 10 digits in one class each */
            CLASS_FIRST[next] = b;
        CLASS_OF[b] = (unsigned char)next++;
    }
}

/* Whether a set holds some character of class c. */
static int set_has_class(const CharSet *set, int c)
{
    for (int b = CLASS_FIRST[c]; b < BUCKETS; b++)
        if (CLASS_OF[b] == c && set_has_bucket(set, b))
            return 1;
    return 0;
}

static inline uint32_t deep_hash(uint64_t key)
{
    return (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> (64 - DEEP_BITS));
}

static inline int deep_has(const uint32_t *deep, uint64_t key)
{
    uint32_t h = deep_hash(key);
    return (deep[h >> 5] >> (h & 31)) & 1;
}

typedef struct {
    const TrieObject *trie;
    uint32_t *bits;
    long steps;                /* left; < 0: gave up */
    const unsigned char *wide; /* per set: it holds more than WIDE classes */
    const unsigned char *classes; /* per set, CLASSES + 1 bytes: how many, then the classes */
} Deep;

#define WIDE 4
#define NARROW_DEPTH 3 /* below this depth even wide sets are listed (as the 3-character filter) */

static void deep_mark(Deep *d, uint64_t key)
{
    uint32_t h = deep_hash(key);
    d->bits[h >> 5] |= (uint32_t)1 << (h & 31);
}

static void deep_node(Deep *d, int32_t index, int n, uint64_t key);

/* A repeat edge that has consumed `done` characters so far, n in all (key: their buckets). */
static void deep_repeat(Deep *d, const Edge *edge, int n, uint64_t key, int32_t done)
{
    if (--d->steps < 0)
        return;
    if (n == DEEP) {
        deep_mark(d, key);
        return;
    }
    if (done >= edge->low)
        deep_node(d, edge->child, n, key);
    if (edge->high >= 0 && done >= edge->high)
        return;
    if (n >= NARROW_DEPTH && d->wide[edge->set]) { /* too many to list: any continuation */
        deep_mark(d, key * RADIX + END);
        return;
    }
    const unsigned char *classes = d->classes + (size_t)edge->set * (CLASSES + 1);
    for (int k = 1; k <= classes[0] && d->steps >= 0; k++)
        deep_repeat(d, edge, n + 1, key * RADIX + classes[k], done + 1);
}

/* The beginnings of the paths from node `index`, n characters consumed (key: their buckets). */
static void deep_node(Deep *d, int32_t index, int n, uint64_t key)
{
    if (--d->steps < 0)
        return;
    if (n == DEEP) {
        deep_mark(d, key);
        return;
    }
    const Hop *node = &d->trie->nodes[index].hop;
    if (node->terminal) { /* a path ends here: these n characters are enough */
        deep_mark(d, key * RADIX + END);
        return;
    }
    for (int32_t k = 0; k < node->count && d->steps >= 0; k++) {
        const Edge *edge = &d->trie->edges[node->first + k];
        const unsigned char *classes = d->classes + (size_t)edge->set * (CLASSES + 1);
        if (edge->kind != EDGE_BOUNDARY && n >= NARROW_DEPTH && d->wide[edge->set]) {
            deep_mark(d, key * RADIX + END); /* too many to list: any continuation */
            continue;
        }
        switch (edge->kind) {
        case EDGE_SET:
            for (int j = 1; j <= classes[0] && d->steps >= 0; j++)
                deep_node(d, edge->child, n + 1, key * RADIX + classes[j]);
            break;
        case EDGE_BOUNDARY:
            deep_node(d, edge->child, n, key);
            break;
        default:
            deep_repeat(d, edge, n, key, 0);
            break;
        }
    }
}

static int build_deeps(TrieObject *self)
{
    const size_t roots = self->nroots > 0 ? (size_t)self->nroots : 1;
    self->deep_at = PyMem_Malloc(roots * sizeof(Py_ssize_t));
    self->deeps = PyMem_Malloc(roots * (size_t)DEEP_WORDS * sizeof(uint32_t));
    const size_t nsets = self->nsets > 0 ? (size_t)self->nsets : 1;
    unsigned char *wide = PyMem_Calloc(nsets, 1);
    unsigned char *classes = PyMem_Calloc(nsets, CLASSES + 1);
    if (self->deep_at == NULL || self->deeps == NULL || wide == NULL || classes == NULL) {
        PyMem_Free(wide);
        PyMem_Free(classes);
        return PyErr_NoMemory(), -1;
    }
    for (Py_ssize_t i = 0; i < self->nsets; i++) {
        unsigned char *list = classes + (size_t)i * (CLASSES + 1);
        for (int c = 0; c < CLASSES; c++)
            if (set_has_class(&self->sets[i], c))
                list[++list[0]] = (unsigned char)c;
        wide[i] = list[0] > WIDE;
    }
    Py_ssize_t at = 0;
    for (Py_ssize_t t = 0; t < self->nroots; t++) {
        Deep d = {self, self->deeps + at, DEEP_STEPS, wide, classes};
        memset(d.bits, 0, (size_t)DEEP_WORDS * sizeof(uint32_t));
        deep_node(&d, (int32_t)self->roots[t], 0, 0);
        Py_ssize_t set = 0;
        for (Py_ssize_t i = 0; i < DEEP_WORDS; i++)
            set += __builtin_popcount(d.bits[i]);
        if (d.steps < 0 || set > DEEP_WORDS * 32 / 4) {
            self->deep_at[t] = -1; /* no deeper filter: the three-character one alone */
            continue;
        }
        self->deep_at[t] = at;
        at += DEEP_WORDS;
    }
    PyMem_Free(wide);
    PyMem_Free(classes);
    uint32_t *fitted = PyMem_Realloc(self->deeps, (size_t)(at > 0 ? at : 1) * sizeof(uint32_t));
    if (fitted != NULL) /* else the larger block stays */
        self->deeps = fitted;
    return 0;
}

/* Trie number -> its deeper filter (NULL: none, or a trie number < 0). */
static const uint32_t *deep_of(const TrieObject *self, Py_ssize_t trie)
{
    return trie < 0 || self->deep_at[trie] < 0 ? NULL : self->deeps + self->deep_at[trie];
}

/* Whether some path of a trie may begin at pos, by its deeper filter (NULL: maybe). */
static inline int deep_may_begin(const uint32_t *deep, const TextObject *text, Py_ssize_t pos)
{
    if (deep == NULL)
        return 1;
    const Py_ssize_t left = text->length - pos;
    const Py_UCS4 *next = text->text + pos;
    uint64_t key = 0;
    for (int n = 0; n < DEEP; n++) {
        if (deep_has(deep, key * RADIX + END))
            return 1; /* a path of n characters */
        if (n >= left)
            return 0; /* no longer one fits */
        key = key * RADIX + CLASS_OF[next[n] < 128 ? next[n] : NON_ASCII];
    }
    return deep_has(deep, key);
}

/* Builds every trie; self->roots[t] is trie t's root node. */
static int read_tries(TrieObject *self, PyObject *tries_arg, PyObject *labels_arg)
{
    PyObject *tries = PySequence_Fast(tries_arg, "tries must be a sequence");
    if (tries == NULL)
        return -1;
    PyObject *labels = NULL;
    Py_ssize_t ntries = PySequence_Fast_GET_SIZE(tries);
    Growth g = {0, NULL, NULL, 0, 0, NULL};
    int result = -1;
    if (labels_arg != Py_None) {
        labels = PySequence_Fast(labels_arg, "labels must be a sequence (one per trie)");
        if (labels == NULL)
            goto done;
        if (PySequence_Fast_GET_SIZE(labels) != ntries) {
            PyErr_SetString(PyExc_ValueError, "labels: one sequence (or None) per trie");
            goto done;
        }
    }
    self->roots = PyMem_Calloc(ntries > 0 ? (size_t)ntries : 1, sizeof(Py_ssize_t));
    if (self->roots == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t t = 0; t < ntries; t++) {
        Py_ssize_t npaths;
        PyObject *trie_labels = labels == NULL ? Py_None : PySequence_Fast_GET_ITEM(labels, t);
        Path *paths = read_paths(self, PySequence_Fast_GET_ITEM(tries, t), trie_labels, &npaths);
        if (paths == NULL)
            goto done;
        self->roots[t] = self->nnodes;
        self->nroots = t + 1;
        int added = add_trie(self, paths, npaths, &g);
        free_paths(paths, npaths);
        if (added < 0)
            goto done;
    }
    result = link_edges(self, &g);
    if (result == 0)
        result = build_filters(self);
    if (result == 0)
        result = build_deeps(self);
done:
    PyMem_Free(g.parent);
    PyMem_Free(g.via);
    PyMem_Free(g.pairs);
    Py_DECREF(tries);
    Py_XDECREF(labels);
    return result;
}

static int trie_init(TrieObject *self, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"sets", "edges", "tries", "labels", NULL};
    PyObject *sets, *edges, *tries, *labels = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOO|O:Trie", keywords, &sets, &edges, &tries,
                                     &labels))
        return -1;
    trie_clear(self);
    if (read_sets(self, sets) < 0 || read_specs(self, edges) < 0
        || read_tries(self, tries, labels) < 0) {
        trie_clear(self);
        return -1;
    }
    return 0;
}

/* --- the methods --------------------------------------------------------------------------- */

/* Trie number -> its root node (-1 stays -1: not used); -2 with IndexError when out of range. */
static Py_ssize_t root_of(const TrieObject *self, Py_ssize_t trie)
{
    if (trie >= self->nroots) {
        PyErr_SetString(PyExc_IndexError, "no such trie");
        return -2;
    }
    return trie < 0 ? -1 : self->roots[trie];
}

/* Appends an int to a list; -1 (exception set) on failure. */
static int append_int(PyObject *list, Py_ssize_t value)
{
    PyObject *number = PyLong_FromSsize_t(value);
    if (number == NULL)
        return -1;
    int result = PyList_Append(list, number);
    Py_DECREF(number);
    return result;
}

/* Whether a finder trie matches at pos (its root's entry test and its filter first). */
static inline int spot_at(Walk *w, Py_ssize_t root, const uint32_t *filter,
                          const uint32_t *deep, Py_ssize_t pos)
{
    if (root < 0 || !may_enter(w, &w->trie->nodes[root].enter, pos)
        || !may_begin(filter, w->text, pos) || !deep_may_begin(deep, w->text, pos))
        return 0;
    w->budget = SPOT_BUDGET;
    return exists(w, &w->trie->nodes[root].hop, pos);
}

static int compare_labels(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* The labels of the paths that match at a spot, as a sorted tuple; None when that takes more
 * than the budget (the caller then picks the entries its own way). */
static PyObject *labels_at(Walk *w, Py_ssize_t word_root, Py_ssize_t any_root, Py_ssize_t pos,
                           int word_start)
{
    int over = 0;
    w->nfound = 0;
    w->budget = SPOT_BUDGET;
    if (word_start && word_root >= 0 && may_enter(w, &w->trie->nodes[word_root].enter, pos))
        over = collect(w, (int32_t)word_root, pos) < 0;
    if (!over && any_root >= 0 && may_enter(w, &w->trie->nodes[any_root].enter, pos))
        over = collect(w, (int32_t)any_root, pos) < 0;
    for (Py_ssize_t k = 0; k < w->nfound; k++)
        w->marked[w->found[k]] = 0;
    if (over)
        Py_RETURN_NONE;
    qsort(w->found, (size_t)w->nfound, sizeof(int32_t), compare_labels);
    PyObject *labels = PyTuple_New(w->nfound);
    if (labels == NULL)
        return NULL;
    for (Py_ssize_t k = 0; k < w->nfound; k++) {
        PyObject *label = PyLong_FromLong(w->found[k]);
        if (label == NULL) {
            Py_DECREF(labels);
            return NULL;
        }
        PyTuple_SET_ITEM(labels, k, label); /* steals the reference */
    }
    return labels;
}

/* Appends a spot to `found` as (position, labels). */
static int append_spot(Walk *w, Py_ssize_t word_root, Py_ssize_t any_root, Py_ssize_t pos,
                       int word_start, PyObject *found)
{
    PyObject *labels = labels_at(w, word_root, any_root, pos, word_start);
    if (labels == NULL)
        return -1;
    PyObject *item = Py_BuildValue("(nN)", pos, labels); /* N: steals labels, even on failure */
    if (item == NULL)
        return -1;
    int result = PyList_Append(found, item);
    Py_DECREF(item);
    return result;
}

/* The spots of one finder, appended to `found`. */
static int find_spots(Walk *w, Py_ssize_t word_root, Py_ssize_t any_root,
                      const uint32_t *word_filter, const uint32_t *any_filter,
                      const uint32_t *word_deep, const uint32_t *any_deep, PyObject *found)
{
    const TextObject *text = w->text;
    if (any_root < 0) { /* word starts only */
        for (Py_ssize_t k = 0; k < text->nwordstarts; k++) {
            Py_ssize_t pos = text->wordstarts[k];
            if (spot_at(w, word_root, word_filter, word_deep, pos)
                && append_spot(w, word_root, any_root, pos, 1, found) < 0)
                return -1;
        }
        return 0;
    }
    /* Every position: the common case, a character no path of any_root starts with and no
     * word start, is tested in this loop with local copies (no call, no pointer chasing). */
    const Entry any = w->trie->nodes[any_root].enter;
    uint32_t bits[4];
    memcpy(bits, w->trie->starts[any.starts], sizeof(bits));
    const Py_UCS4 *chars = text->text;
    const Py_ssize_t *wordstarts = text->wordstarts, nwordstarts = text->nwordstarts;
    const Py_ssize_t length = text->length;
    Py_ssize_t next_start = 0; /* index in wordstarts of the first one at or after pos */
    if (word_root < 0)
        next_start = nwordstarts; /* word starts do not matter */
    for (Py_ssize_t pos = 0; pos <= length; pos++) {
        int word_start = next_start < nwordstarts && wordstarts[next_start] == pos;
        next_start += word_start;
        if (!word_start && !any.always) {
            Py_UCS4 ch = chars[pos]; /* chars[length] is the trailing NUL */
            if (pos == length || (ch < 128 ? !((bits[ch >> 5] >> (ch & 31)) & 1) : !any.non_ascii))
                continue;
        }
        if (((word_start && spot_at(w, word_root, word_filter, word_deep, pos))
             || spot_at(w, any_root, any_filter, any_deep, pos))
            && append_spot(w, word_root, any_root, pos, word_start, found) < 0)
            return -1;
    }
    return 0;
}

PyDoc_STRVAR(spot_labels_doc,
"spot_labels(text, word_trie, any_trie) -> list[tuple[int, tuple[int, ...] | None]]\n\n"
"Every position (0..len(text)) where a path of word_trie matches at a word start, or one of\n"
"any_trie matches anywhere (a trie number < 0 is not used), each with the sorted labels of\n"
"every path that matches there (the entries worth trying), or None when working that out\n"
"takes too many steps. A superset of spots when a position takes too many steps (the caller\n"
"checks each spot). text: a str or a Text.");

static PyObject *trie_spot_labels(TrieObject *self, PyObject *args)
{
    PyObject *arg;
    Py_ssize_t word_trie, any_trie, word_root, any_root;
    if (!PyArg_ParseTuple(args, "Onn:spot_labels", &arg, &word_trie, &any_trie)
        || (word_root = root_of(self, word_trie)) == -2 || (any_root = root_of(self, any_trie)) == -2)
        return NULL;
    TextObject *text = as_text(arg);
    if (text == NULL)
        return NULL;
    Walk w = {self, text, 0, NULL, NULL, 0};
    PyObject *found = NULL;
    size_t most = self->most_label > 0 ? (size_t)self->most_label : 1;
    w.marked = PyMem_Calloc(most, 1);
    w.found = PyMem_Malloc(sizeof(int32_t) * most);
    if (w.marked == NULL || w.found == NULL)
        PyErr_NoMemory();
    else if ((found = PyList_New(0)) != NULL
             && find_spots(&w, word_root, any_root, filter_of(self, word_trie),
                           filter_of(self, any_trie), deep_of(self, word_trie),
                           deep_of(self, any_trie), found) < 0)
        Py_CLEAR(found);
    PyMem_Free(w.marked);
    PyMem_Free(w.found);
    Py_DECREF(text);
    return found;
}

PyDoc_STRVAR(first_hits_doc,
"first_hits(text, trie) -> list[int]\n\n"
"start, end, start, end...: at each word start, the first match of the trie in `re`'s order\n"
"(edges in order, repeats greedy, ending at a terminal node only before a non-word character).\n"
"text: a str or a Text.");

static PyObject *trie_first_hits(TrieObject *self, PyObject *args)
{
    PyObject *arg;
    Py_ssize_t trie, root;
    if (!PyArg_ParseTuple(args, "On:first_hits", &arg, &trie)
        || (root = root_of(self, trie)) == -2)
        return NULL;
    TextObject *text = as_text(arg);
    if (text == NULL)
        return NULL;
    PyObject *found = PyList_New(0);
    if (found != NULL && root >= 0) {
        Walk w = {self, text, 0, NULL, NULL, 0};
        const Entry *enter = &self->nodes[root].enter;
        const uint32_t *filter = filter_of(self, trie), *deep = deep_of(self, trie);
        for (Py_ssize_t k = 0; k < text->nwordstarts; k++) {
            Py_ssize_t pos = text->wordstarts[k], end;
            if (may_enter(&w, enter, pos) && may_begin(filter, text, pos)
                && deep_may_begin(deep, text, pos)
                && (end = first(&w, &self->nodes[root].hop, pos)) >= 0
                && (append_int(found, pos) < 0 || append_int(found, end) < 0)) {
                Py_CLEAR(found);
                break;
            }
        }
    }
    Py_DECREF(text);
    return found;
}

static PyObject *trie_sizes(TrieObject *self, PyObject *Py_UNUSED(ignored))
{
    Py_ssize_t deep = 0;
    for (Py_ssize_t t = 0; t < self->nroots; t++)
        deep += self->deep_at[t] >= 0;
    return Py_BuildValue("{s:n,s:n,s:n,s:n,s:n,s:n,s:n,s:n}", "sets", self->nsets, "nodes",
                         self->nnodes, "edges", self->nedges, "tries", self->nroots, "start_sets",
                         self->nstarts, "table_words", self->ntables, "labels", self->nlabels,
                         "deep_filters", deep);
}

static PyMethodDef trie_methods[] = {
    {"spot_labels", (PyCFunction)trie_spot_labels, METH_VARARGS, spot_labels_doc},
    {"first_hits", (PyCFunction)trie_first_hits, METH_VARARGS, first_hits_doc},
    {"sizes", (PyCFunction)trie_sizes, METH_NOARGS, "sizes() -> dict: what the trie holds."},
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(trie_doc,
"Trie(sets, edges, tries): tries of character sets, repeats and word boundaries, walked in C.\n\n"
"sets: tuples of sorted inclusive code point ranges (lo, hi, lo, hi...); edges: (kind, set,\n"
"low, high) with kind 0 one character of the set, 1 a greedy repeat of low..high (high < 0:\n"
"unbounded), 2 a word boundary; tries: each a sequence of paths, a path a sequence of edge\n"
"numbers; labels: None, or per trie None or one int >= 0 per path (spot_labels reports them).\n"
"A node's edges are tried in the order of their numbers.");

static PyTypeObject TrieType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "srcgrade._scan.Trie",
    .tp_basicsize = sizeof(TrieObject),
    .tp_dealloc = (destructor)trie_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = trie_doc,
    .tp_methods = trie_methods,
    .tp_init = (initproc)trie_init,
    .tp_new = PyType_GenericNew,
};

static PyObject *scan_is_word(PyObject *Py_UNUSED(module), PyObject *arg)
{
    long code = PyLong_AsLong(arg);
    if (code == -1 && PyErr_Occurred())
        return NULL;
    if (code < 0 || code > 0x10FFFF) {
        PyErr_SetString(PyExc_ValueError, "not a code point");
        return NULL;
    }
    return PyBool_FromLong(is_word((Py_UCS4)code));
}

/* len(text.split()) without the list of words: the runs of characters that are not white space
 * by str.split()'s own test (Py_UNICODE_ISSPACE). Every article's word count; the list cost about
 * 40 microseconds per 4 KB story. */
static PyObject *scan_count_words(PyObject *Py_UNUSED(module), PyObject *arg)
{
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "count_words() takes a str");
        return NULL;
    }
    const int kind = PyUnicode_KIND(arg);
    const void *data = PyUnicode_DATA(arg);
    const Py_ssize_t length = PyUnicode_GET_LENGTH(arg);
    Py_ssize_t words = 0;
    int in_word = 0;
    /* a loop per storage kind: PyUnicode_READ would switch on the kind at every character */
#define COUNT_WORDS(TYPE)                                                                      \
    do {                                                                                       \
        const TYPE *chars = data;                                                              \
        for (Py_ssize_t i = 0; i < length; i++) {                                              \
            const int space = Py_UNICODE_ISSPACE(chars[i]);                                    \
            words += !space && !in_word;                                                       \
            in_word = !space;                                                                  \
        }                                                                                      \
    } while (0)
    if (kind == PyUnicode_1BYTE_KIND)
        COUNT_WORDS(Py_UCS1);
    else if (kind == PyUnicode_2BYTE_KIND)
        COUNT_WORDS(Py_UCS2);
    else
        COUNT_WORDS(Py_UCS4);
#undef COUNT_WORDS
    return PyLong_FromSsize_t(words);
}

/* str.lower(), the same str, without its per-character call of the full case mapping where
 * that changes nothing: ASCII letters are lowered here, and every other character is kept when
 * it is not upper or title case and its simple lower-case mapping is itself (then its full one
 * is too: the only longer lower-case mapping, U+0130, and the final sigma, U+03A3, both have
 * another simple one). Any other character: the whole text goes to str.lower(). The result has
 * the input's storage kind (only ASCII characters change). tests/test_c_scan.py compares it with
 * str.lower() on every code point. */
#define LOWER(TYPE)                                                                            \
    do {                                                                                       \
        const TYPE *chars = data;                                                              \
        TYPE *into = PyUnicode_DATA(result);                                                   \
        for (Py_ssize_t i = 0; i < n; i++) {                                                   \
            const Py_UCS4 ch = chars[i];                                                       \
            if (ch < 128)                                                                      \
                into[i] = (TYPE)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);                       \
            else if (Py_UNICODE_TOLOWER(ch) == ch && !Py_UNICODE_ISUPPER(ch)                   \
                     && !Py_UNICODE_ISTITLE(ch))                                               \
                into[i] = (TYPE)ch;                                                            \
            else                                                                               \
                goto other;                                                                    \
        }                                                                                      \
    } while (0)

static PyObject *scan_lower(PyObject *Py_UNUSED(module), PyObject *arg)
{
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "lower() takes a str");
        return NULL;
    }
    if (PyUnicode_READY(arg) < 0)
        return NULL;
    if (PyUnicode_IS_ASCII(arg)) /* str.lower() is a byte loop there already */
        return PyObject_CallMethod(arg, "lower", NULL);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    const int kind = PyUnicode_KIND(arg);
    const void *data = PyUnicode_DATA(arg);
    /* Not ASCII: the largest character is not ASCII and is kept, so the kind is the same. */
    PyObject *result = PyUnicode_New(n, PyUnicode_MAX_CHAR_VALUE(arg));
    if (result == NULL)
        return NULL;
    if (kind == PyUnicode_1BYTE_KIND)
        LOWER(Py_UCS1);
    else if (kind == PyUnicode_2BYTE_KIND)
        LOWER(Py_UCS2);
    else
        LOWER(Py_UCS4);
    return result;
other:
    Py_DECREF(result);
    return PyObject_CallMethod(arg, "lower", NULL);
}
#undef LOWER

/* sentences.sentence_start_after's loop, with its regex's `match` handed in: the last of
 * `.`, `!`, `?` or a line break in text[low:limit] found in one pass from the right (four
 * str.rfind calls in Python), the boundary tried at the run's first place as there. About 10
 * times per story, where the Python loop cost about 1.3 of its 2 microseconds. */
static Py_ssize_t last_mark(int kind, const void *data, Py_ssize_t low, Py_ssize_t limit)
{
    for (Py_ssize_t i = limit - 1; i >= low; i--) {
        const Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (ch == '.' || ch == '!' || ch == '?' || ch == '\n')
            return i;
    }
    return -1;
}

static inline int is_run_mark(Py_UCS4 ch) { return ch == '.' || ch == '!' || ch == '?'; }

/* match(text, at, high): a Match, Py_None (both new references) or NULL. */
static PyObject *match_at(PyObject *match, PyObject *text, Py_ssize_t at, PyObject *high)
{
    PyObject *where = PyLong_FromSsize_t(at);
    if (where == NULL)
        return NULL;
    PyObject *args[3] = {text, where, high};
    PyObject *found = PyObject_Vectorcall(match, args, 3, NULL);
    Py_DECREF(where);
    return found;
}

static PyObject *scan_sentence_start(PyObject *Py_UNUSED(module), PyObject *const *args,
                                     Py_ssize_t nargs)
{
    if (nargs != 4 || !PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError,
                        "sentence_start(text: str, pos: int, low: int, match: callable)");
        return NULL;
    }
    PyObject *text = args[0], *match = args[3];
    const Py_ssize_t pos = PyLong_AsSsize_t(args[1]);
    if (pos == -1 && PyErr_Occurred())
        return NULL;
    const Py_ssize_t low = PyLong_AsSsize_t(args[2]);
    if (low == -1 && PyErr_Occurred())
        return NULL;
    if (PyUnicode_READY(text) < 0)
        return NULL;
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (low < 0 || pos < 0) {
        PyErr_SetString(PyExc_ValueError, "pos and low must not be negative");
        return NULL;
    }
    const int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    PyObject *high = PyLong_FromSsize_t(n < pos + 40 ? n : pos + 40);
    if (high == NULL)
        return NULL;
    Py_ssize_t limit = pos < n ? pos : n;
    for (;;) {
        const Py_ssize_t mark = last_mark(kind, data, low, limit);
        if (mark < 0)
            break;
        Py_ssize_t first = mark;
        if (PyUnicode_READ(kind, data, mark) != '\n') /* a run: "?!", "...", "F.D.A.." */
            while (first > low && is_run_mark(PyUnicode_READ(kind, data, first - 1)))
                first--;
        /* as a left-to-right search would: the run's first place where a boundary matches */
        Py_ssize_t at = first;
        PyObject *boundary = match_at(match, text, at, high);
        while (boundary == Py_None && at < mark) {
            Py_DECREF(boundary);
            boundary = match_at(match, text, ++at, high);
        }
        if (boundary == NULL) {
            Py_DECREF(high);
            return NULL;
        }
        if (boundary != Py_None) {
            PyObject *end_obj = PyObject_CallMethod(boundary, "end", NULL);
            Py_DECREF(boundary);
            if (end_obj == NULL) {
                Py_DECREF(high);
                return NULL;
            }
            const Py_ssize_t end = PyLong_AsSsize_t(end_obj);
            if (end == -1 && PyErr_Occurred()) {
                Py_DECREF(end_obj);
                Py_DECREF(high);
                return NULL;
            }
            if (end <= pos) {
                Py_DECREF(high);
                return end_obj;
            }
            Py_DECREF(end_obj);
        }
        else
            Py_DECREF(boundary);
        limit = first;
    }
    Py_DECREF(high);
    return PyLong_FromSsize_t(low);
}

/* --- Maker --------------------------------------------------------------------------------- */

/* Maker(cls, fields): a callable that makes an instance of a slotted, frozen dataclass from all
 * its fields, positionally, by storing them in the slots. Why: a frozen dataclass's __init__
 * calls object.__setattr__ once per field, about 1 microsecond for a Finding's ten, and scoring
 * a story makes 30-60 findings and tallies. The instance is the one __init__ would make: the
 * class is checked here (its own slots, each an object slot named by `fields`, nothing else in
 * the layout), and c_trie.maker only hands over dataclasses whose __init__ does nothing else
 * (no __post_init__, every field in __init__). */
typedef struct {
    PyObject_HEAD
    PyTypeObject *type;
    Py_ssize_t nfields;
    Py_ssize_t *offsets;
} MakerObject;

static void maker_dealloc(MakerObject *self)
{
    Py_XDECREF(self->type);
    PyMem_Free(self->offsets);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* The offset of the object slot `name` of `type`, or -1 (exception set). */
static Py_ssize_t slot_offset(PyTypeObject *type, PyObject *name)
{
    PyObject *descr = PyDict_GetItemWithError(type->tp_dict, name); /* borrowed */
    if (descr == NULL || !Py_IS_TYPE(descr, &PyMemberDescr_Type)
        || ((PyDescrObject *)descr)->d_type != type) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_TypeError, "%R is not a slot of %s", name, type->tp_name);
        return -1;
    }
    PyMemberDef *member = ((PyMemberDescrObject *)descr)->d_member;
    if (member->type != T_OBJECT_EX || (member->flags & READONLY)
        || member->offset < (Py_ssize_t)sizeof(PyObject)
        || member->offset + (Py_ssize_t)sizeof(PyObject *) > type->tp_basicsize) {
        PyErr_Format(PyExc_TypeError, "%R is not an object slot of %s", name, type->tp_name);
        return -1;
    }
    return member->offset;
}

/* Whether instances of `type` are an object header and `nfields` object slots, nothing else
 * (no __dict__, no __weakref__, no base class but object): then filling every slot makes a
 * whole instance. */
static int maker_check_type(PyTypeObject *type, Py_ssize_t nfields)
{
    Py_ssize_t nmembers = 0;
    for (PyMemberDef *m = type->tp_members; m != NULL && m->name != NULL; m++)
        nmembers++;
    const Py_ssize_t size = (Py_ssize_t)sizeof(PyObject) + nfields * (Py_ssize_t)sizeof(PyObject *);
    if (!(type->tp_flags & Py_TPFLAGS_HEAPTYPE) || type->tp_base != &PyBaseObject_Type
        || type->tp_dictoffset != 0 || type->tp_weaklistoffset != 0 || type->tp_itemsize != 0
        || nmembers != nfields || type->tp_basicsize != size) {
        PyErr_Format(PyExc_TypeError, "%s is not a class of object slots only", type->tp_name);
        return -1;
    }
    return 0;
}

static PyObject *maker_new(PyTypeObject *subtype, PyObject *args, PyObject *kwds)
{
    PyObject *cls, *fields_arg;
    if (!PyArg_ParseTuple(args, "O!O:Maker", &PyType_Type, &cls, &fields_arg))
        return NULL;
    PyObject *fields = PySequence_Tuple(fields_arg);
    if (fields == NULL)
        return NULL;
    PyTypeObject *type = (PyTypeObject *)cls;
    const Py_ssize_t n = PyTuple_GET_SIZE(fields);
    MakerObject *self = NULL;
    if (maker_check_type(type, n) < 0)
        goto done;
    self = (MakerObject *)subtype->tp_alloc(subtype, 0);
    if (self == NULL)
        goto done;
    self->offsets = PyMem_Calloc(n > 0 ? (size_t)n : 1, sizeof(Py_ssize_t));
    if (self->offsets == NULL) {
        PyErr_NoMemory();
        Py_CLEAR(self);
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t offset = slot_offset(type, PyTuple_GET_ITEM(fields, i));
        for (Py_ssize_t j = 0; offset >= 0 && j < i; j++)
            if (self->offsets[j] == offset) {
                PyErr_SetString(PyExc_TypeError, "a field is named twice");
                offset = -1;
            }
        if (offset < 0) {
            Py_CLEAR(self);
            goto done;
        }
        self->offsets[i] = offset;
    }
    Py_INCREF(type);
    self->type = type;
    self->nfields = n;
done:
    Py_DECREF(fields);
    return (PyObject *)self;
}

static PyObject *maker_call(MakerObject *self, PyObject *args, PyObject *kwds)
{
    if ((kwds != NULL && PyDict_GET_SIZE(kwds) > 0) || PyTuple_GET_SIZE(args) != self->nfields) {
        PyErr_Format(PyExc_TypeError, "%s maker takes exactly %zd positional arguments",
                     self->type->tp_name, self->nfields);
        return NULL;
    }
    PyObject *made = self->type->tp_alloc(self->type, 0); /* zeroed; a heap type: incref'd */
    if (made == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < self->nfields; i++) {
        PyObject *value = PyTuple_GET_ITEM(args, i);
        Py_INCREF(value);
        *(PyObject **)((char *)made + self->offsets[i]) = value;
    }
    return made;
}

static PyTypeObject MakerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "srcgrade._scan.Maker",
    .tp_basicsize = sizeof(MakerObject),
    .tp_dealloc = (destructor)maker_dealloc,
    .tp_call = (ternaryfunc)maker_call,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Maker(cls, fields): makes instances of a slotted frozen dataclass from all fields.",
    .tp_new = maker_new,
};

/* --- gates: where a pattern is worth trying (pattern_scan.Gate) -------------------------- */

/* A pattern's match at `start` begins with a character of `first`, lies within the run of
 * characters of `run` after it (what a match consumes past its first character; `first` and
 * `run` share none) and holds one of `words` (lowered literals): where none of them occurs in the
 * lowered text from `start` to the end of that run, the pattern is not tried. A run of `reach`
 * characters or more allows the try without looking. */
#define GATE_HASH_BITS 16

typedef struct {
    PyObject_HEAD
    CharSet run, first;
    Py_ssize_t reach, nwords;
    int disjoint; /* no character is in both run and first (see gate_spots) */
    Py_UCS4 *chars;             /* the words' characters, side by side */
    Py_ssize_t *at, *len;       /* word i: chars[at[i] .. at[i] + len[i]) */
    Py_ssize_t head[NON_ASCII + 2]; /* words by first character's bucket: order[head[b]..head[b+1]) */
    Py_ssize_t *order;
    /* What a word can begin with, for words beginning with an ASCII character: `loose`, the
     * first character of a word of one character or with a second character >= 128; `pairs`,
     * bit 128 * c0 + c1, the first two of a word of two characters or with a third >= 128;
     * `triples`, the hashed first three (gate_hash) of the others. */
    uint32_t loose[NON_ASCII / 32];
    uint32_t pairs[NON_ASCII * NON_ASCII / 32];
    uint32_t triples[(1 << GATE_HASH_BITS) / 32];
} GateObject;

static inline uint32_t gate_hash(Py_UCS4 c0, Py_UCS4 c1, Py_UCS4 c2)
{
    return ((((uint32_t)c0 << 14) | ((uint32_t)c1 << 7) | (uint32_t)c2) * 2654435761u)
           >> (32 - GATE_HASH_BITS);
}

#define HAS_BIT(map, bit) (((map)[(bit) >> 5] >> ((bit) & 31)) & 1)
#define SET_BIT(map, bit) ((map)[(bit) >> 5] |= (uint32_t)1 << ((bit) & 31))

static void gate_dealloc(GateObject *self)
{
    PyMem_Free(self->run.ranges);
    PyMem_Free(self->first.ranges);
    PyMem_Free(self->chars);
    PyMem_Free(self->at);
    PyMem_Free(self->len);
    PyMem_Free(self->order);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Whether no character is in both sets. */
static int sets_disjoint(const CharSet *a, const CharSet *b)
{
    for (int k = 0; k < 4; k++)
        if (a->ascii[k] & b->ascii[k])
            return 0;
    for (int32_t i = 0; i < a->nranges; i++)
        for (int32_t j = 0; j < b->nranges; j++)
            if (a->ranges[2 * i] <= b->ranges[2 * j + 1] && b->ranges[2 * j] <= a->ranges[2 * i + 1])
                return 0;
    return 1;
}

static int gate_init(GateObject *self, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"run", "first", "words", "reach", NULL};
    PyObject *run, *first_arg, *words_arg;
    Py_ssize_t reach;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOn:Gate", keywords, &run, &first_arg,
                                     &words_arg, &reach))
        return -1;
    if (self->order != NULL || self->run.ranges != NULL || self->first.ranges != NULL) {
        PyErr_SetString(PyExc_TypeError, "a Gate is set up once");
        return -1;
    }
    if (reach < 1) {
        PyErr_SetString(PyExc_ValueError, "reach must be positive");
        return -1;
    }
    if (fill_set(&self->run, run) < 0 || fill_set(&self->first, first_arg) < 0)
        return -1;
    PyObject *words = PySequence_Fast(words_arg, "words must be a sequence of str");
    if (words == NULL)
        return -1;
    const Py_ssize_t n = PySequence_Fast_GET_SIZE(words);
    Py_ssize_t total = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *word = PySequence_Fast_GET_ITEM(words, i);
        if (!PyUnicode_Check(word) || PyUnicode_READY(word) < 0
            || PyUnicode_GET_LENGTH(word) == 0) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "a word is a non-empty str");
            Py_DECREF(words);
            return -1;
        }
        total += PyUnicode_GET_LENGTH(word);
    }
    self->chars = PyMem_Malloc(sizeof(Py_UCS4) * (size_t)(total > 0 ? total : 1));
    self->at = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(n > 0 ? n : 1));
    self->len = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(n > 0 ? n : 1));
    self->order = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(n > 0 ? n : 1));
    if (self->chars == NULL || self->at == NULL || self->len == NULL || self->order == NULL) {
        Py_DECREF(words);
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t count[NON_ASCII + 1] = {0};
    Py_ssize_t offset = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *word = PySequence_Fast_GET_ITEM(words, i);
        const Py_ssize_t length = PyUnicode_GET_LENGTH(word);
        const int kind = PyUnicode_KIND(word);
        const void *data = PyUnicode_DATA(word);
        self->at[i] = offset;
        self->len[i] = length;
        for (Py_ssize_t j = 0; j < length; j++)
            self->chars[offset + j] = PyUnicode_READ(kind, data, j);
        const Py_UCS4 *spelt = self->chars + offset;
        count[spelt[0] < NON_ASCII ? spelt[0] : NON_ASCII]++;
        /* A word beginning with a character >= 128 is compared wherever the text has one. */
        if (spelt[0] < NON_ASCII) {
            if (length == 1 || spelt[1] >= NON_ASCII)
                SET_BIT(self->loose, spelt[0]);
            else if (length == 2 || spelt[2] >= NON_ASCII)
                SET_BIT(self->pairs, spelt[0] * NON_ASCII + spelt[1]);
            else
                SET_BIT(self->triples, gate_hash(spelt[0], spelt[1], spelt[2]));
        }
        offset += length;
    }
    self->head[0] = 0;
    for (int b = 0; b <= NON_ASCII; b++)
        self->head[b + 1] = self->head[b] + count[b];
    Py_ssize_t filled[NON_ASCII + 1];
    for (int b = 0; b <= NON_ASCII; b++)
        filled[b] = self->head[b];
    for (Py_ssize_t i = 0; i < n; i++) {
        const Py_UCS4 c0 = self->chars[self->at[i]];
        self->order[filled[c0 < NON_ASCII ? c0 : NON_ASCII]++] = i;
    }
    self->nwords = n;
    self->reach = reach;
    self->disjoint = sets_disjoint(&self->run, &self->first);
    Py_DECREF(words);
    return 0;
}

/* Where a run of characters of `set` from i stops (at most at limit), or the first position at
 * or after i holding one (limit: none), by a loop per storage kind (PyUnicode_READ switches on
 * the kind at every character). */
#define SCAN_SET(TYPE, WHILE)                                                                  \
    do {                                                                                       \
        const TYPE *chars = data;                                                              \
        while (i < limit && in_set(set, chars[i]) == (WHILE))                                  \
            i++;                                                                               \
    } while (0)
static Py_ssize_t scan_set(const CharSet *set, int kind, const void *data, Py_ssize_t i,
                           Py_ssize_t limit, int in)
{
    if (kind == PyUnicode_1BYTE_KIND)
        SCAN_SET(Py_UCS1, in);
    else if (kind == PyUnicode_2BYTE_KIND)
        SCAN_SET(Py_UCS2, in);
    else
        SCAN_SET(Py_UCS4, in);
    return i;
}
#undef SCAN_SET

/* Whether one of the words occurs in low[start:end]. */
#define FIND_WORD(TYPE)                                                                        \
    do {                                                                                       \
        const TYPE *chars = ldata;                                                             \
        for (Py_ssize_t i = start; i < end; i++) {                                             \
            const Py_UCS4 c = chars[i];                                                        \
            if (c < NON_ASCII && !HAS_BIT(self->loose, c)) { /* see GateObject */             \
                if (i + 1 >= end || chars[i + 1] >= NON_ASCII)                                 \
                    continue;                                                                  \
                const Py_UCS4 c1 = chars[i + 1];                                               \
                if (!HAS_BIT(self->pairs, c * NON_ASCII + c1)                                  \
                    && (i + 2 >= end || chars[i + 2] >= NON_ASCII                              \
                        || !HAS_BIT(self->triples, gate_hash(c, c1, chars[i + 2]))))           \
                    continue;                                                                  \
            }                                                                                  \
            const int b = c < NON_ASCII ? (int)c : NON_ASCII;                                  \
            for (Py_ssize_t k = self->head[b]; k < self->head[b + 1]; k++) {                   \
                const Py_ssize_t w = self->order[k], length = self->len[w];                    \
                if (length > end - i)                                                          \
                    continue;                                                                  \
                const Py_UCS4 *word = self->chars + self->at[w];                               \
                Py_ssize_t j = 0;                                                              \
                while (j < length && chars[i + j] == word[j])                                  \
                    j++;                                                                       \
                if (j == length)                                                               \
                    return 1;                                                                  \
            }                                                                                  \
        }                                                                                      \
    } while (0)
static int find_word(const GateObject *self, int lkind, const void *ldata, Py_ssize_t start,
                     Py_ssize_t end)
{
    if (lkind == PyUnicode_1BYTE_KIND)
        FIND_WORD(Py_UCS1);
    else if (lkind == PyUnicode_2BYTE_KIND)
        FIND_WORD(Py_UCS2);
    else
        FIND_WORD(Py_UCS4);
    return 0;
}
#undef FIND_WORD

/* The test of `allows` (text and low of length n, low the text lowered); *run_end: where the
 * run of run characters from start + 1 was read to. */
static int gate_test(const GateObject *self, int tkind, const void *tdata, int lkind,
                     const void *ldata, Py_ssize_t n, Py_ssize_t start, Py_ssize_t *run_end)
{
    const Py_ssize_t first = start + 1;
    Py_ssize_t end = first;
    if (first < n) {
        const Py_ssize_t limit = n - first > self->reach ? first + self->reach : n;
        end = scan_set(&self->run, tkind, tdata, first, limit, 1);
        *run_end = end;
        if (end - first >= self->reach)
            return 1;
    }
    else
        *run_end = first;
    return find_word(self, lkind, ldata, start, end > n ? n : end);
}

PyDoc_STRVAR(gate_allows_doc,
"allows(text, low, start) -> bool: whether one of the words occurs in low (text lowered, as\n"
"long) from start to the end of the run of the run's characters from start + 1; True when that\n"
"run is reach characters or longer, or low is not as long as text.");

static PyObject *gate_allows(GateObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyUnicode_Check(args[0]) || !PyUnicode_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "allows(text: str, low: str, start: int)");
        return NULL;
    }
    const Py_ssize_t start = PyLong_AsSsize_t(args[2]);
    if (start == -1 && PyErr_Occurred())
        return NULL;
    PyObject *text = args[0], *low = args[1];
    if (PyUnicode_READY(text) < 0 || PyUnicode_READY(low) < 0)
        return NULL;
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (start < 0 || PyUnicode_GET_LENGTH(low) != n)
        Py_RETURN_TRUE;
    Py_ssize_t run_end;
    if (gate_test(self, PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_KIND(low),
                  PyUnicode_DATA(low), n, start, &run_end))
        Py_RETURN_TRUE;
    Py_RETURN_FALSE;
}

PyDoc_STRVAR(gate_spots_doc,
"spots(text, low) -> list[int]: the positions of text holding a character of first where\n"
"allows(text, low, position); every such position when low is None.");

static PyObject *gate_spots(GateObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyUnicode_Check(args[0]) || (args[1] != Py_None
                                                    && !PyUnicode_Check(args[1]))) {
        PyErr_SetString(PyExc_TypeError, "spots(text: str, low: str | None)");
        return NULL;
    }
    PyObject *text = args[0], *low = args[1];
    if (PyUnicode_READY(text) < 0 || (low != Py_None && PyUnicode_READY(low) < 0))
        return NULL;
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const int test = low != Py_None && PyUnicode_GET_LENGTH(low) == n;
    const int tkind = PyUnicode_KIND(text), lkind = test ? PyUnicode_KIND(low) : 0;
    const void *tdata = PyUnicode_DATA(text), *ldata = test ? PyUnicode_DATA(low) : NULL;
    PyObject *spots = PyList_New(0);
    if (spots == NULL)
        return NULL;
    /* The next spot is looked for from the end of the run the test read, not from i + 1, when
     * no run character can be a first one: the run holds none (each character is then read
     * about twice, not three times). */
    Py_ssize_t i = 0;
    while ((i = scan_set(&self->first, tkind, tdata, i, n, 0)) < n) {
        Py_ssize_t run_end = i + 1;
        const int allowed = !test || gate_test(self, tkind, tdata, lkind, ldata, n, i, &run_end);
        if (allowed && append_int(spots, i) < 0) {
            Py_DECREF(spots);
            return NULL;
        }
        i = test && self->disjoint && run_end > i + 1 ? run_end : i + 1;
    }
    return spots;
}

static PyMethodDef gate_methods[] = {
    {"allows", (PyCFunction)(void (*)(void))gate_allows, METH_FASTCALL, gate_allows_doc},
    {"spots", (PyCFunction)(void (*)(void))gate_spots, METH_FASTCALL, gate_spots_doc},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject GateType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "srcgrade._scan.Gate",
    .tp_basicsize = sizeof(GateObject),
    .tp_dealloc = (destructor)gate_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Gate(run, first, words, reach): pattern_scan.Gate's tests in C.",
    .tp_methods = gate_methods,
    .tp_init = (initproc)gate_init,
    .tp_new = PyType_GenericNew,
};

/* detect.quotes.quote_spans in C: the same marks, paragraphs and apostrophe tests (see its
 * docstring), in one pass: about 8 microseconds per 3.9 KB HNR story, the pure path about 75. */
#define QUOTE_MOST 3000
#define LSQUO 0x2018 /* ‘ */
#define RSQUO 0x2019 /* ’ (also the apostrophe) */

/* Whether c may open a quotation: a quick test first, as most characters are letters between
 * '\'' (0x27) and '«'. */
#define MAY_OPEN(c) \
    ((c) == '"' || (c) == '\'' || ((c) >= 0x00AB && ((c) == 0x00AB || (c) == 0x201C \
                                                     || (c) == 0x201E || (c) == LSQUO)))

/* Spaces within a line (a blank line may hold them). */
static inline int line_space(Py_UCS4 c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Whether a line ending in c ends its paragraph at a single line break (detect.quotes). */
static inline int ends_paragraph(Py_UCS4 c)
{
    switch (c) {
    case '.': case '!': case '?': case ':': case ';': case '"': case '\'': case ')': case ']':
    case 0x201D: case RSQUO: case 0x00BB: case 0x2026:
        return 1;
    default:
        return 0;
    }
}

/* The first position at or after i holding a character that may open a quotation (length:
 * none), by a loop per storage kind (PyUnicode_READ switches on the kind at every character). */
static Py_ssize_t next_opening(int kind, const void *data, Py_ssize_t i, Py_ssize_t length)
{
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *chars = data;
        while (i < length && !MAY_OPEN(chars[i]))
            i++;
    }
    else if (kind == PyUnicode_2BYTE_KIND) {
        const Py_UCS2 *chars = data;
        while (i < length && !MAY_OPEN(chars[i]))
            i++;
    }
    else {
        const Py_UCS4 *chars = data;
        while (i < length && !MAY_OPEN(chars[i]))
            i++;
    }
    return i;
}

#define AT(k) PyUnicode_READ(kind, data, (k))

/* Whether a straight ' may open a quotation after c: a space or an opening bracket, dash or
 * quotation mark (detect.quotes._BEFORE_SINGLE; U.K.'s is an apostrophe). */
static inline int before_single(Py_UCS4 c)
{
    switch (c) {
    case '(': case '[': case '{': case '"': case 0x201C: case 0x00AB: case 0x201E: case 0x2014:
    case 0x2013:
        return 1;
    default:
        return Py_UNICODE_ISSPACE(c);
    }
}

/* Whether the text at i opens with a word written after an apostrophe ('s, 'em, 'n', 'tis:
 * detect.quotes._ELIDED): ASCII letters in any case, then no letter or digit. */
static int elided(int kind, const void *data, Py_ssize_t i, Py_ssize_t length)
{
    static const char *const words[] = {"s", "d", "m", "t", "ll", "re", "ve", "em", "n", "tis",
                                        "twas", "til", "cause"};
    char word[7];
    Py_ssize_t k = i;
    while (k < length && k - i < 6) {
        Py_UCS4 c = AT(k);
        if (c >= 'A' && c <= 'Z')
            c += 'a' - 'A';
        else if (c < 'a' || c > 'z')
            break;
        word[k - i] = (char)c;
        k++;
    }
    if (k < length && Py_UNICODE_ISALNUM(AT(k)))
        return 0;
    word[k - i] = '\0';
    for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++)
        if (strcmp(word, words[w]) == 0)
            return 1;
    return 0;
}

/* The width of the opening mark at i (0: none there): ‘ and '' only not after a letter or
 * digit and not before a space; ' only at the start, after a space or before_single, and not
 * before a space, a digit or an elided word. */
static Py_ssize_t opening_width(int kind, const void *data, Py_ssize_t i, Py_ssize_t length)
{
    const Py_UCS4 c = AT(i);
    Py_ssize_t width = 1;
    if (c == '\'') {
        if (i + 1 >= length || AT(i + 1) != '\'')
            return (i == 0 || before_single(AT(i - 1))) && i + 1 < length
                   && !Py_UNICODE_ISSPACE(AT(i + 1)) && !Py_UNICODE_ISDIGIT(AT(i + 1))
                   && !elided(kind, data, i + 1, length);
        width = 2;
    }
    else if (c != LSQUO)
        return 1;
    if (i > 0 && Py_UNICODE_ISALNUM(AT(i - 1)))
        return 0;
    if (i + width >= length || Py_UNICODE_ISSPACE(AT(i + width)))
        return 0;
    return width;
}

/* Whether the mark opening at i (width 1 or 2) opens again at m. */
static inline int opens_again(int kind, const void *data, Py_ssize_t i, Py_ssize_t width,
                              Py_ssize_t m, Py_ssize_t length)
{
    return m < length && AT(m) == AT(i) && opening_width(kind, data, m, length) == width;
}

/* The end of the quotation opened at i by a mark of this width, or -1 if there is none. */
static Py_ssize_t quote_end(int kind, const void *data, Py_ssize_t i, Py_ssize_t width,
                            Py_ssize_t length)
{
    const Py_UCS4 open = AT(i);
    const Py_ssize_t inside = i + width;
    const Py_ssize_t limit = inside + QUOTE_MOST;
    Py_ssize_t j = inside;
    while (j < length && j <= limit) {
        const Py_UCS4 c = AT(j);
        if (c == '\n') {
            Py_ssize_t k = j - 1;
            while (k >= inside && line_space(AT(k)))
                k--;
            Py_ssize_t m = j + 1;
            while (m < length && line_space(AT(m)))
                m++;
            if (m < length && AT(m) != '\n' && k >= inside && !ends_paragraph(AT(k))) {
                j++; /* a wrapped line */
                continue;
            }
            while (m < length && (AT(m) == '\n' || line_space(AT(m))))
                m++;
            if (!opens_again(kind, data, i, width, m, length))
                return -1;
            j = m + width; /* the next paragraph opens again: the quotation goes on */
            continue;
        }
        int closes = 0, stops = 0;
        switch (open) {
        case '"': closes = c == '"'; break;
        case 0x201C: closes = c == 0x201D; stops = c == 0x201C; break;
        case 0x00AB: closes = c == 0x00BB; stops = c == 0x00AB; break;
        case 0x201E: closes = c == 0x201C || c == 0x201D; stops = c == 0x201E; break;
        case LSQUO:
            closes = c == RSQUO && (j + 1 >= length || !Py_UNICODE_ISALNUM(AT(j + 1)));
            stops = c == LSQUO;
            break;
        default: /* ' or '' */
            if (width == 2)
                closes = c == '\'' && j + 1 < length && AT(j + 1) == '\'';
            else
                closes = c == '\'' && (j + 1 >= length || !Py_UNICODE_ISALNUM(AT(j + 1)));
            break;
        }
        if (closes)
            return j > inside ? j + width : -1;
        if (stops)
            return -1;
        j++;
    }
    return -1;
}

#undef AT

/* detect.quotes.quote_spans: the quotations, left to right, as a flat list start, end, start,
 * end...; where none opens, the search goes on at the next character. */
static PyObject *scan_quote_spans(PyObject *Py_UNUSED(module), PyObject *arg)
{
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "quote_spans() takes a str");
        return NULL;
    }
    const int kind = PyUnicode_KIND(arg);
    const void *data = PyUnicode_DATA(arg);
    const Py_ssize_t length = PyUnicode_GET_LENGTH(arg);
    PyObject *found = PyList_New(0);
    if (found == NULL)
        return NULL;
    Py_ssize_t i = 0;
    while ((i = next_opening(kind, data, i, length)) < length) {
        const Py_ssize_t width = opening_width(kind, data, i, length);
        const Py_ssize_t end = width ? quote_end(kind, data, i, width, length) : -1;
        if (end < 0) {
            i++;
            continue;
        }
        if (append_int(found, i) < 0 || append_int(found, end) < 0) {
            Py_DECREF(found);
            return NULL;
        }
        i = end;
    }
    return found;
}

static PyMethodDef module_methods[] = {
    {"is_word", scan_is_word, METH_O, "is_word(code) -> bool: the walker's \\w (for tests)."},
    {"count_words", scan_count_words, METH_O, "count_words(text) -> int: len(text.split())."},
    {"sentence_start", (PyCFunction)(void (*)(void))scan_sentence_start, METH_FASTCALL,
     "sentence_start(text, pos, low, match) -> int: sentences.sentence_start_after's loop."},
    {"lower", scan_lower, METH_O, "lower(text) -> str: text.lower(), quicker outside ASCII."},
    {"quote_spans", scan_quote_spans, METH_O,
     "quote_spans(text) -> list[int]: start, end, ... of detect.quotes' quotations."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef scan_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "srcgrade._scan",
    .m_doc = "The lexicon scan's trie walks in C (optional; c_trie falls back to `re`).",
    .m_size = -1,
    .m_methods = module_methods,
};

PyMODINIT_FUNC PyInit__scan(void)
{
    if (PyType_Ready(&TrieType) < 0 || PyType_Ready(&TextType) < 0
        || PyType_Ready(&MakerType) < 0 || PyType_Ready(&GateType) < 0)
        return NULL;
    init_classes();
    PyObject *module = PyModule_Create(&scan_module);
    if (module == NULL)
        return NULL;
    Py_INCREF(&TrieType);
    if (PyModule_AddObject(module, "Trie", (PyObject *)&TrieType) < 0) {
        Py_DECREF(&TrieType);
        Py_DECREF(module);
        return NULL;
    }
    Py_INCREF(&TextType);
    if (PyModule_AddObject(module, "Text", (PyObject *)&TextType) < 0) {
        Py_DECREF(&TextType);
        Py_DECREF(module);
        return NULL;
    }
    Py_INCREF(&MakerType);
    if (PyModule_AddObject(module, "Maker", (PyObject *)&MakerType) < 0) {
        Py_DECREF(&MakerType);
        Py_DECREF(module);
        return NULL;
    }
    Py_INCREF(&GateType);
    if (PyModule_AddObject(module, "Gate", (PyObject *)&GateType) < 0) {
        Py_DECREF(&GateType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
