/* isa_sys.c — the ARMv8.1–8.5 extensions outside Advanced SIMD: the flag
 * manipulation instructions (CFINV, RMIF, SETF8/16: FEAT_FlagM; AXFLAG,
 * XAFLAG: FEAT_FlagM2), SB, PSTATE.SSBS and PSTATE.DIT (MSR immediate and
 * register, MRS, and their survival across a signal handler), the RCpc
 * loads and stores with offsets (LDAPUR*, STLUR*: FEAT_LRCPC2), DC CVAP
 * and DC CVADP, and the ID registers Linux lets user space read
 * (HWCAP_CPUID), whose fields must agree with AT_HWCAP/AT_HWCAP2 field by
 * field as the kernel derives one from the other.
 *
 * "isa_sys" is compared with qemu-aarch64. "isa_sys kernel" (DC CVAP/CVADP
 * and the ID registers) has a fixed expected output, because qemu-aarch64
 * 7.2 gets both wrong: it advertises dcpop and dcpodp but makes the two
 * instructions SIGILL, and its ID registers show DIT, SSBS and DGH, which
 * its AT_HWCAP/AT_HWCAP2 do not (the Arm ARM permits EL0 to execute DC
 * CVAP when SCTLR_EL1.UCI is set, as Linux sets it, and the kernel sets
 * each HWCAP exactly from its ID field). The initial SSBS is not printed:
 * arm64 Linux (and ferry) start a program with SSBS set, qemu-aarch64
 * with it clear. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <ucontext.h>
#include "check.h"

#define MRS(reg) ({ uint64_t v_; __asm__ volatile("mrs %0, " reg : "=r"(v_)); v_; })

static uint64_t nzcv(void) { return MRS("nzcv"); }

static void set_nzcv(uint64_t f) { __asm__ volatile("msr nzcv, %0" ::"r"(f)); }

/* The flag instructions against the pseudocode, for every NZCV value. */
static int flag_checks(uint64_t *h)
{
	int bad = 0;
	for (uint64_t f = 0; f < 16; f++) {
		uint64_t in = f << 28, r;
		int z = f >> 2 & 1, c = f >> 1 & 1, v = f & 1;

		set_nzcv(in);
		__asm__ volatile("cfinv" ::: "cc");
		r = nzcv();
		bad += r != (in ^ 1u << 29);
		*h = hash_u64(*h, r);

		set_nzcv(in);
		__asm__ volatile("axflag" ::: "cc");
		r = nzcv();
		bad += r != ((uint64_t)(z || v) << 30 | (uint64_t)(c && !v) << 29);
		*h = hash_u64(*h, r);

		set_nzcv(in);
		__asm__ volatile("xaflag" ::: "cc");
		r = nzcv();
		bad += r != ((uint64_t)(!c && !z) << 31 | (uint64_t)(z && c) << 30 | (uint64_t)(c || z) << 29 |
			     (uint64_t)(!c && z) << 28);
		*h = hash_u64(*h, r);
	}
	for (int t = 0; t < 300; t++) {
		uint64_t x = rng(), in = (rng() & 15) << 28, r;
		if (t % 5 == 0)
			x = (uint64_t)(int64_t)(int16_t)rng();
		/* RMIF Xn, #lsb, #mask with a few immediates (they are encoded). */
#define RMIF(lsb, mask)                                                                   \
	do {                                                                              \
		set_nzcv(in);                                                             \
		__asm__ volatile("rmif %0, #" #lsb ", #" #mask ::"r"(x) : "cc");          \
		r = nzcv();                                                               \
		uint64_t rot = (x >> (lsb) | x << ((64 - (lsb)) % 64)) & 15;               \
		uint64_t m = (uint64_t)(mask) << 28;                                      \
		bad += r != ((in & ~m) | (rot << 28 & m));                                \
		*h = hash_u64(*h, r);                                                     \
	} while (0)
		RMIF(0, 15);
		RMIF(1, 9);
		RMIF(31, 6);
		RMIF(63, 15);
		RMIF(17, 0);
		/* SETF8/SETF16: N = bit msb, Z = low msb+1 bits zero,
		 * V = bit msb+1 XOR bit msb, C kept. */
		for (int msb = 7; msb <= 15; msb += 8) {
			set_nzcv(in);
			if (msb == 7)
				__asm__ volatile("setf8 %w0" ::"r"((uint32_t)x) : "cc");
			else
				__asm__ volatile("setf16 %w0" ::"r"((uint32_t)x) : "cc");
			r = nzcv();
			uint64_t want = (in & 1u << 29) | (x >> msb & 1) << 31 | (uint64_t)((x & ((1u << (msb + 1)) - 1)) == 0) << 30 |
					((x >> (msb + 1) ^ x >> msb) & 1) << 28;
			bad += r != want;
			*h = hash_u64(*h, r);
		}
	}
	return bad;
}

static volatile uint64_t seen_in_handler;

static void handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)si, (void)uc;
	seen_in_handler = MRS("s3_3_c4_c2_6") | MRS("s3_3_c4_c2_5"); /* ssbs | dit */
	/* Changed in the handler, restored by sigreturn from the frame. */
	__asm__ volatile("msr s3_3_c4_c2_6, xzr\n\tmsr s3_3_c4_c2_5, xzr");
}

static int pstate_checks(void)
{
	int bad = 0;
	__asm__ volatile("msr ssbs, #1\n\tmsr dit, #0");
	uint64_t a = MRS("s3_3_c4_c2_6"), b = MRS("s3_3_c4_c2_5");
	__asm__ volatile("msr ssbs, #0\n\tmsr dit, #1");
	uint64_t c = MRS("s3_3_c4_c2_6"), d = MRS("s3_3_c4_c2_5");
	uint64_t all = ~0ull;
	__asm__ volatile("msr s3_3_c4_c2_6, %0\n\tmsr s3_3_c4_c2_5, xzr" ::"r"(all));
	uint64_t e = MRS("s3_3_c4_c2_6"), f = MRS("s3_3_c4_c2_5");
	printf("ssbs/dit: set %#llx %#llx, flipped %#llx %#llx, by register %#llx %#llx\n", (unsigned long long)a,
	       (unsigned long long)b, (unsigned long long)c, (unsigned long long)d, (unsigned long long)e,
	       (unsigned long long)f);
	bad += a != 1u << 12 || b != 0 || c != 0 || d != 1u << 24 || e != 1u << 12 || f != 0;

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	__asm__ volatile("msr ssbs, #1\n\tmsr dit, #1");
	raise(SIGUSR1);
	uint64_t after = MRS("s3_3_c4_c2_6") | MRS("s3_3_c4_c2_5");
	printf("in a handler %#llx, after it %#llx\n", (unsigned long long)seen_in_handler, (unsigned long long)after);
	bad += seen_in_handler != (1u << 12 | 1u << 24) || after != seen_in_handler;
	__asm__ volatile("sb\n\tmsr dit, #0");
	return bad;
}

/* LDAPUR*, STLUR* at offsets either side of the base, with the widths
 * and sign extensions of LDUR*. */
static int rcpc_checks(uint64_t *h)
{
	static uint8_t buf[64] __attribute__((aligned(16)));
	for (int i = 0; i < 64; i++)
		buf[i] = (uint8_t)(0x81 + 37 * i);
	uint8_t *p = buf + 32;
	uint64_t r[8];
	__asm__ volatile("ldapursb %w0, [%8, #-1]\n\t"
			 "ldapursh %1, [%8, #-2]\n\t"
			 "ldapur %w2, [%8, #-4]\n\t"
			 "ldapursw %3, [%8, #4]\n\t"
			 "ldapur %4, [%8, #8]\n\t"
			 "ldapurb %w5, [%8, #1]\n\t"
			 "ldapurh %w6, [%8, #-16]\n\t"
			 "ldapursb %7, [%8, #2]"
			 : "=&r"(r[0]), "=&r"(r[1]), "=&r"(r[2]), "=&r"(r[3]), "=&r"(r[4]), "=&r"(r[5]), "=&r"(r[6]), "=&r"(r[7])
			 : "r"(p)
			 : "memory");
	int64_t want[8];
	int16_t s16;
	int32_t s32;
	uint32_t u32;
	uint16_t u16;
	uint64_t u64;
	want[0] = (uint32_t)(int32_t)(int8_t)p[-1];
	memcpy(&s16, p - 2, 2), want[1] = s16;
	memcpy(&u32, p - 4, 4), want[2] = u32;
	memcpy(&s32, p + 4, 4), want[3] = s32;
	memcpy(&u64, p + 8, 8), want[4] = (int64_t)u64;
	want[5] = p[1];
	memcpy(&u16, p - 16, 2), want[6] = u16;
	want[7] = (int8_t)p[2];
	int bad = memcmp(r, want, sizeof r) != 0;
	*h = hash_bytes(*h, r, sizeof r);
	uint64_t x = 0x1122334455667788;
	__asm__ volatile("stlur %0, [%1, #16]\n\tstlurh %w0, [%1, #-8]\n\tstlurb %w0, [%1, #-31]\n\tstlur %w0, [%1, #24]"
			 ::"r"(x), "r"(p)
			 : "memory");
	memcpy(&u64, p + 16, 8);
	memcpy(&u16, p - 8, 2);
	memcpy(&u32, p + 24, 4);
	bad += u64 != x || u16 != 0x7788 || p[-31] != 0x88 || u32 != 0x55667788;
	*h = hash_bytes(*h, buf, sizeof buf);
	return bad;
}

/* DC CVAP and DC CVADP clean to the point of persistence (FEAT_DPB,
 * FEAT_DPB2; EL0 may execute them under Linux, which sets SCTLR_EL1.UCI):
 * no visible effect on the data. */
static int dcpop_checks(void)
{
	static uint64_t line[8] __attribute__((aligned(64))) = {1, 2, 3, 4, 5, 6, 7, 8};
	unsigned long hw = getauxval(AT_HWCAP), hw2 = getauxval(AT_HWCAP2);
	if (!(hw & HWCAP_DCPOP) || !(hw2 & HWCAP2_DCPODP))
		return 1;
	line[3] = 42;
	__asm__ volatile("dc cvap, %0\n\tdc cvadp, %0" ::"r"(line + 3) : "memory");
	return line[3] != 42 || line[7] != 8;
}

/* The ID register fields Linux derives each AT_HWCAP/AT_HWCAP2 bit from
 * (arch/arm64/kernel/cpufeature.c, arm64_elf_hwcaps): the bit is set if
 * and only if the field is at least the value. */
struct field {
	const char *name;
	int hwcap2;
	unsigned long bit;
	int reg; /* index in regs[] */
	int shift;
	int min;
	int is_signed;
};

enum { PFR0, PFR1, ISAR0, ISAR1, MMFR2, ZFR0, NREGS };

static const struct field fields[] = {
	{"fp", 0, 1 << 0, PFR0, 16, 0, 1},         {"asimd", 0, 1 << 1, PFR0, 20, 0, 1},
	{"aes", 0, 1 << 3, ISAR0, 4, 1, 0},        {"pmull", 0, 1 << 4, ISAR0, 4, 2, 0},
	{"sha1", 0, 1 << 5, ISAR0, 8, 1, 0},       {"sha2", 0, 1 << 6, ISAR0, 12, 1, 0},
	{"crc32", 0, 1 << 7, ISAR0, 16, 1, 0},     {"atomics", 0, 1 << 8, ISAR0, 20, 2, 0},
	{"fphp", 0, 1 << 9, PFR0, 16, 1, 1},       {"asimdhp", 0, 1 << 10, PFR0, 20, 1, 1},
	{"asimdrdm", 0, 1 << 12, ISAR0, 28, 1, 0}, {"jscvt", 0, 1 << 13, ISAR1, 12, 1, 0},
	{"fcma", 0, 1 << 14, ISAR1, 16, 1, 0},     {"lrcpc", 0, 1 << 15, ISAR1, 20, 1, 0},
	{"dcpop", 0, 1 << 16, ISAR1, 0, 1, 0},     {"sha3", 0, 1 << 17, ISAR0, 32, 1, 0},
	{"sm3", 0, 1 << 18, ISAR0, 36, 1, 0},      {"sm4", 0, 1 << 19, ISAR0, 40, 1, 0},
	{"asimddp", 0, 1 << 20, ISAR0, 44, 1, 0},  {"sha512", 0, 1 << 21, ISAR0, 12, 2, 0},
	{"sve", 0, 1 << 22, PFR0, 32, 1, 0},       {"asimdfhm", 0, 1 << 23, ISAR0, 48, 1, 0},
	{"dit", 0, 1 << 24, PFR0, 48, 1, 0},       {"uscat", 0, 1 << 25, MMFR2, 32, 1, 0},
	{"ilrcpc", 0, 1 << 26, ISAR1, 20, 2, 0},   {"flagm", 0, 1 << 27, ISAR0, 52, 1, 0},
	{"ssbs", 0, 1 << 28, PFR1, 4, 2, 0},       {"sb", 0, 1 << 29, ISAR1, 36, 1, 0},
	{"dcpodp", 1, 1 << 0, ISAR1, 0, 2, 0},     {"flagm2", 1, 1 << 7, ISAR0, 52, 2, 0},
	{"frint", 1, 1 << 8, ISAR1, 32, 1, 0},     {"i8mm", 1, 1 << 13, ISAR1, 52, 1, 0},
	{"bf16", 1, 1 << 14, ISAR1, 44, 1, 0},     {"dgh", 1, 1 << 15, ISAR1, 48, 1, 0},
	{"rng", 1, 1 << 16, ISAR0, 60, 1, 0},      {"bti", 1, 1 << 17, PFR1, 0, 1, 0},
};

static int cpuid_checks(void)
{
	unsigned long hw = getauxval(AT_HWCAP), hw2 = getauxval(AT_HWCAP2);
	if (!(hw & HWCAP_CPUID)) {
		printf("cpuid: not advertised\n");
		return 1;
	}
	uint64_t regs[NREGS] = {
		MRS("id_aa64pfr0_el1"), MRS("id_aa64pfr1_el1"), MRS("id_aa64isar0_el1"),
		MRS("id_aa64isar1_el1"), MRS("id_aa64mmfr2_el1"), MRS("s3_0_c0_c4_4"), /* ID_AA64ZFR0_EL1 */
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
		const struct field *f = &fields[i];
		int64_t v = (int64_t)(regs[f->reg] >> f->shift & 15);
		if (f->is_signed && v >= 8)
			v -= 16; /* 0xf: not implemented */
		int has = !!((f->hwcap2 ? hw2 : hw) & f->bit);
		if (has != (v >= f->min)) {
			printf("%s: hwcap %d, ID field %lld\n", f->name, has, (long long)v);
			bad++;
		}
	}
	/* The EL0 and EL1 fields read "AArch64 only" (the kernel's safe value
	 * for these hidden fields); SVE's ZFR0 is zero without SVE. */
	bad += (regs[PFR0] & 0xff) != 0x11;
	bad += !(hw & (1 << 22)) && regs[ZFR0] != 0;
	uint64_t midr = MRS("midr_el1"), mpidr = MRS("mpidr_el1"), revidr = MRS("revidr_el1");
	bad += mpidr >> 31 != 1 || revidr != 0 || midr >> 24 == 0;
	return bad;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "kernel") == 0) {
		printf("dc cvap/cvadp  mismatches %d\n", dcpop_checks());
		printf("cpuid          disagreements with AT_HWCAP %d\n", cpuid_checks());
		return 0;
	}
	uint64_t h = HASH_INIT;
	int bad = flag_checks(&h);
	printf("flagm/flagm2   mismatches %d hash %016llx\n", bad, (unsigned long long)h);
	printf("pstate         mismatches %d\n", pstate_checks());
	h = HASH_INIT;
	bad = rcpc_checks(&h);
	printf("lrcpc2         mismatches %d hash %016llx\n", bad, (unsigned long long)h);
	return 0;
}
