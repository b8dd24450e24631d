/* ptrchase.c — pointer-heavy code on the malloc heap: a singly linked
 * list whose nodes are linked in a shuffled order (every step a dependent
 * load to an unpredictable address), an unbalanced binary search tree
 * built from random keys and searched, and glibc's qsort sorting structs
 * through a comparison callback (an indirect call per comparison). SIZE
 * nodes (argv[1]), ROUNDS times (argv[2]). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t rng_state = 0xda942042e4dd58b5ull;
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static uint64_t h = 0xcbf29ce484222325ull;
static void mix(uint64_t v)
{
	h ^= v;
	h *= 0x100000001b3ull;
}

struct node {
	struct node *next;
	uint64_t value;
};

struct tree {
	struct tree *left, *right;
	uint64_t key;
	uint32_t count;
};

struct record {
	uint32_t group;
	int32_t score;
	uint64_t id;
	char name[16];
};

static struct tree *insert(struct tree *t, uint64_t key)
{
	struct tree **link = &t;
	while (*link) {
		if (key == (*link)->key) {
			(*link)->count++;
			return t;
		}
		link = key < (*link)->key ? &(*link)->left : &(*link)->right;
	}
	struct tree *n = malloc(sizeof *n);
	*n = (struct tree){ .key = key, .count = 1 };
	*link = n;
	return t;
}

static uint32_t lookup(const struct tree *t, uint64_t key)
{
	while (t && t->key != key)
		t = key < t->key ? t->left : t->right;
	return t ? t->count : 0;
}

static void free_tree(struct tree *t)
{
	/* Iteratively, by rotating left children up: no recursion depth. */
	while (t) {
		if (t->left) {
			struct tree *l = t->left;
			t->left = l->right;
			l->right = t;
			t = l;
		} else {
			struct tree *r = t->right;
			free(t);
			t = r;
		}
	}
}

static int by_group_score_id(const void *pa, const void *pb)
{
	const struct record *a = pa, *b = pb;
	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1; /* descending */
	return (a->id > b->id) - (a->id < b->id);
}

int main(int argc, char **argv)
{
	long size = argc > 1 ? atol(argv[1]) : 10000;
	int rounds = argc > 2 ? atoi(argv[2]) : 1;
	if (size < 1 || size > 1 << 24 || rounds < 1) {
		fprintf(stderr, "usage: ptrchase [SIZE [ROUNDS]]\n");
		return 2;
	}
	size_t n = (size_t)size;
	for (int r = 0; r < rounds; r++) {
		/* The list: allocate, then link in a Fisher-Yates order. */
		struct node **nodes = malloc(n * sizeof *nodes);
		for (size_t i = 0; i < n; i++) {
			nodes[i] = malloc(sizeof **nodes);
			nodes[i]->value = rng() >> 16;
		}
		for (size_t i = n - 1; i > 0; i--) {
			size_t j = rng() % (i + 1);
			struct node *t = nodes[i];
			nodes[i] = nodes[j];
			nodes[j] = t;
		}
		for (size_t i = 0; i + 1 < n; i++)
			nodes[i]->next = nodes[i + 1];
		nodes[n - 1]->next = NULL;
		struct node *head = nodes[0];
		free(nodes);
		for (int pass = 0; pass < 8; pass++) {
			uint64_t sum = 0, count = 0;
			for (struct node *p = head; p; p = p->next) {
				sum += p->value ^ (uint64_t)pass;
				count++;
			}
			mix(sum);
			mix(count);
		}
		while (head) {
			struct node *next = head->next;
			free(head);
			head = next;
		}

		/* The tree: keys from a range of 4n, so some repeat. */
		struct tree *root = NULL;
		for (size_t i = 0; i < n; i++)
			root = insert(root, rng() % (4 * n));
		uint64_t hits = 0;
		for (size_t i = 0; i < 2 * n; i++)
			hits += lookup(root, rng() % (4 * n));
		mix(hits);
		free_tree(root);

		/* qsort through a callback, with many equal groups and scores. */
		struct record *recs = malloc(n * sizeof *recs);
		for (size_t i = 0; i < n; i++) {
			uint64_t v = rng();
			recs[i] = (struct record){ .group = (uint32_t)(v % 97), .score = (int32_t)(v >> 40) % 1000 - 500,
						   .id = i };
			snprintf(recs[i].name, sizeof recs[i].name, "r%06zu", i % 1000000);
		}
		qsort(recs, n, sizeof *recs, by_group_score_id);
		for (size_t i = 0; i < n; i += n / 64 + 1) {
			mix(recs[i].id);
			mix((uint64_t)(unsigned char)recs[i].name[6]);
		}
		free(recs);
	}
	printf("size %ld rounds %d checksum %016llx\n", size, rounds, (unsigned long long)h);
	return 0;
}
