#!/bin/sh
# The release binary of one target (make release-check), before it meets
# the network:
#
#   test/release_bin.sh ARCH BINARY UNSTRIPPED RUN CEILING TARGET
#
# UNSTRIPPED is BINARY before strip: its symbols tell the disassembler which
# functions are MIPS16 or Thumb code, which a stripped file no longer says.
# RUN runs a program of ARCH under qemu-user on the target's CPU model
# (tools/cross.sh cpu), so an instruction the device lacks dies with SIGILL.
# - `file` says static, stripped, and names the target's architecture;
# - the ELF flags name its ABI: soft-float on MIPS and armv5, hard-float
#   with VFPv3-D16 on armv7, compressed RISC-V;
# - the disassembly holds no instruction the target's CPUs lack: no FPU
#   instruction on MIPS, nothing newer than the i486 on i386;
# - `notify53 version` runs;
# - a rate from the configuration, parsed by cJSON (num_strtod) and printed by
#   `check-config` (printf %g), comes out as written: the soft-float routines
#   compute correctly;
# - no stdio of the C library is linked (nm);
# - it stays under the size ceiling (and says whether it meets the 300 KB target).
set -u
cd "$(dirname "$0")/.."
. test/lib/tap.sh

arch=$1 bin=$2 full=$3 run=$4 ceiling=$5 target=$6
triplet=$(sh tools/cross.sh triplet "$arch") || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

case "$arch" in
x86_64) want='ELF 64-bit LSB executable, x86-64' ;;
i386) want='ELF 32-bit LSB executable, Intel 80386' ;;
aarch64) want='ELF 64-bit LSB executable, ARM aarch64' ;;
armv7 | armv5) want='ELF 32-bit LSB executable, ARM, EABI5' ;;
mips) want='ELF 32-bit MSB executable, MIPS, MIPS32 rel2' ;;
mipsel) want='ELF 32-bit LSB executable, MIPS, MIPS32 rel2' ;;
mips64) want='ELF 64-bit MSB executable, MIPS, MIPS64 rel2' ;;
riscv64) want='ELF 64-bit LSB executable, UCB RISC-V' ;;
*) echo "not ok - unknown ARCH $arch"; exit 1 ;;
esac
file -b "$bin" >"$tmp/file"
tap_ok "file: $want" grep -qF "$want" "$tmp/file"
tap_ok "file: statically linked, stripped" \
	sh -c "grep -q 'statically linked' '$tmp/file' && grep -q ', stripped' '$tmp/file'"
sed 's/^/#   /' "$tmp/file"

# The ABI in the ELF header and attributes (readelf reads every target's).
readelf -h -A "$bin" >"$tmp/readelf" 2>&1
abi() { tap_ok "readelf: $1" grep -qE "$2" "$tmp/readelf"; }
case "$arch" in
mips | mipsel | mips64)
	abi "FP ABI soft float (.MIPS.abiflags)" '^FP ABI: +Soft float$'
	abi "Tag_GNU_MIPS_ABI_FP soft float" 'Tag_GNU_MIPS_ABI_FP: Soft float'
	grep -E 'Flags:|^ISA:|FP ABI' "$tmp/readelf" | sed 's/^/#   /'
	;;
armv5)
	abi "soft-float EABI" 'Flags:.*Version5 EABI, soft-float ABI'
	abi "Tag_CPU_arch v5TE" 'Tag_CPU_arch: v5TE$'
	tap_ok "readelf: no floating-point unit used (no Tag_FP_arch)" \
		sh -c "! grep -q 'Tag_FP_arch' '$tmp/readelf'"
	;;
armv7)
	abi "hard-float EABI" 'Flags:.*Version5 EABI, hard-float ABI'
	abi "Tag_CPU_arch v7" 'Tag_CPU_arch: v7$'
	abi "Tag_FP_arch VFPv3-D16" 'Tag_FP_arch: VFPv3-D16$'
	;;
riscv64) abi "RVC, double-float ABI" 'Flags:.*RVC, double-float ABI' ;;
esac

# The code of BINARY is UNSTRIPPED's: disassemble that one.
"$triplet-objcopy" -O binary -j .text "$bin" "$tmp/text.stripped"
"$triplet-objcopy" -O binary -j .text "$full" "$tmp/text.full"
tap_ok "the stripped file's code is the unstripped file's" cmp -s "$tmp/text.stripped" "$tmp/text.full"

# The disassembly, one instruction per line: "mnemonic<TAB>operands". The
# constant pools of MIPS16 code (symbols __pool_*) sit in .text between
# functions: objdump shows them as data, printable bytes as characters
# ("..d...d.....k..s"), which are no instructions: left out.
"$triplet-objdump" -d --no-show-raw-insn "$full" |
	awk -F'\t' '/^[0-9a-f]+ <.*>:$/ { pool = $0 ~ /<__pool_/ }
	!pool && NF >= 2 && $1 ~ /^ *[0-9a-f]+:$/ {
		i = $2; for (f = 3; f <= NF; f++) i = i " " $f
		split(i, m, " "); o = substr(i, length(m[1]) + 1); sub(/^ +/, "", o)
		print m[1] "\t" o }' >"$tmp/insns"
n=$(wc -l <"$tmp/insns")
tap_ok "objdump disassembles it ($n instructions)" test "$n" -gt 10000
case "$arch" in
mips | mipsel | mips64)
	# Coprocessor 1 loads, stores, moves and branches, .s/.d/.ps/.w/.l
	# arithmetic and conversions, or any $f register.
	grep -E '^(([ls][wdu]x?c1|m[ft]h?c1|[cm][ft]c1|bc1[a-z]*)|[a-z0-9.]+\.(s|d|ps|w|l))'"$(printf '\t')"'|\$f[0-9]' \
		"$tmp/insns" >"$tmp/bad"
	tap_ok "objdump: no FPU instruction" test ! -s "$tmp/bad"
	;;
i386)
	# P5/P6 and later: cmov, fcmov, fcomi, rdtsc, cmpxchg8b, long NOPs,
	# SSE/MMX registers, CET, rdrand. cpuid is allowed: gcc's <cpuid.h>
	# checks EFLAGS.ID before using it (BearSSL's CPU feature tests). The
	# names objdump shows in <> are symbols, not instructions (a call of
	# libc's syscall() is no SYSCALL instruction): left out.
	sed 's/<[^>]*>//g' "$tmp/insns" |
		grep -E '\b(cmov[a-z]*|fcmov[a-z]*|f(u)?comip?|rdtscp?|rdrand|rdseed|cmpxchg8b|sysenter|syscall|nop[lw]|endbr32|movbe|popcnt|[lms]fence|prefetch[a-z0-9]*|clflush)\b|%[xy]?mm[0-9]' \
		>"$tmp/bad"
	tap_ok "objdump: no instruction newer than the i486" test ! -s "$tmp/bad"
	;;
*) : >"$tmp/bad" ;;
esac
[ ! -s "$tmp/bad" ] || head -n 5 "$tmp/bad" | sed 's/^/#   /'

"$run" "$bin" version >"$tmp/version" 2>&1
rc=$?
tap_ok "notify53 version runs under $(sh tools/cross.sh qemu "$arch") -cpu $(sh tools/cross.sh cpu "$arch")" test "$rc" -eq 0
tap_ok "version names notify53, BearSSL and cJSON" \
	sh -c "grep -q '^notify53 [0-9]' '$tmp/version' && grep -qx 'bearssl 0.6+dfsg.1' '$tmp/version' && grep -qx 'cjson 1.7.15' '$tmp/version'"
[ "$rc" -eq 0 ] || sed 's/^/#   /' "$tmp/version"

for rate in 2.5 0.1 987.625; do
	printf '{"notify_servers": ["192.0.2.1"], "zones": [{"name": "example.com"}], "aws": {"max_requests_per_second": %s}}\n' \
		"$rate" >"$tmp/config.json"
	"$run" "$bin" check-config -c "$tmp/config.json" >"$tmp/check" 2>&1
	tap_ok "check-config echoes max_requests_per_second $rate" \
		grep -q "at most $rate requests/s\$" "$tmp/check"
	grep 'requests/s' "$tmp/check" | sed 's/^/#   /'
done

# Output goes through src/base/fmt's streams: none of libc's stdio is
# linked (about 3 KB).
"$triplet-nm" "$full" | grep -E ' (fwrite|fflush|fclose|__stdio_write|__stdout_FILE|__stderr_FILE|open_memstream|vfprintf)$' >"$tmp/stdio"
tap_ok "nm: no stdio linked" test ! -s "$tmp/stdio"
[ ! -s "$tmp/stdio" ] || sed 's/^/#   /' "$tmp/stdio"

size=$(wc -c <"$bin")
# The ceiling fails the check; the target is said (make size reports it).
if [ "$size" -le "$target" ]; then said="target $target met"; else said="target $target MISSED"; fi
tap_ok "stripped size $size bytes, ceiling $ceiling ($said)" test "$size" -le "$ceiling"
tap_done
