#!/usr/bin/perl
# gperf_many.pl BINARY N - a gperftools CPU profile (64-bit little-endian)
# with N distinct return addresses, one at every byte of BINARY's first
# executable segment (mapped again at another address as often as it
# takes), 63 to a record under a leaf in no mapping.  They do not follow
# calls, so fg-collapse takes BINARY for another build and leaves them
# raw: what it costs is checking each one (tests/gperf.sh, tests/bench.sh).
use strict;
use warnings;
no warnings 'portable';

my ($bin, $n) = @ARGV;
die "usage: gperf_many.pl BINARY N\n" unless defined $n && $n > 0;
open my $r, '-|', 'readelf', '-lW', $bin or die "readelf: $!\n";
my ($off, $sz);
while (<$r>) {
	($off, $sz) = (hex $1, hex $2), last
		if /^\s*LOAD\s+(0x\S+)\s+\S+\s+\S+\s+(0x\S+)\s+\S+\s+R\s?E/;
}
die "$bin: no executable segment\n" unless $sz && $sz > 16;
# addresses from 16 bytes in; each mapping at its own 4 GiB
my $per = $sz - 16;
my $maps = int(($n + $per - 1) / $per);
sub at { 0x7f0000000000 + $_[0] * 0x100000000 + $off }
binmode STDOUT;
print pack('Q<*', 0, 3, 0, 10000, 0);
for (my $k = 0; $k < $n; $k += 63) {
	my $e = $k + 62 < $n ? $k + 62 : $n - 1;
	# + 1: return addresses are looked up at the byte before
	print pack('Q<*', 1, $e - $k + 2, 0x1000,
		   map { at(int($_ / $per)) + 16 + $_ % $per + 1 } $k .. $e);
}
print pack('Q<*', 0, 1, 0);
printf "%x-%x r-xp %08x 00:00 0 %s\n", at($_), at($_) + $sz, $off, $bin
	for 0 .. $maps - 1;
