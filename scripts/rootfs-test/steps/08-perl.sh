# shellcheck shell=sh
# perl one-liners: digests, JSON, sorting, formatting, regexes, pack, fork.
set -e
perl -e 'print "perl $^V on $^O, archname ", (split /-/, $Config::Config{archname})[0], "\n"' -MConfig
perl -MDigest::SHA=sha256_hex,sha1_hex -MDigest::MD5=md5_hex -e 'for my $s ("", "abc", "ferry" x 1000) { print sha256_hex($s), " ", sha1_hex($s), " ", md5_hex($s), "\n" }'
perl -MJSON::PP -e 'my $j = JSON::PP->new->canonical->pretty; my $d = { n => [map { $_ * $_ } 1..12], pi => 4 * atan2(1, 1), s => "caf\x{e9}", nested => { a => undef, b => \1 } }; print $j->encode($d); print $j->encode($j->decode($j->encode($d)))'
perl -e 'my @a = map { ($_ * 7919) % 1009 } 1..2000; my @s = sort { $a <=> $b } @a; printf "%d %d %d %.6f\n", $s[0], $s[-1], scalar(@s), eval { my $t = 0; $t += $_ for @s; $t / @s }'
perl -e 'my %h; $h{$_ % 97} .= chr(65 + $_ % 26) for 1..5000; print join(",", map { "$_=" . length($h{$_}) } sort { $a <=> $b } keys %h), "\n"'
perl -e 'printf "%.17g %.3e %s %x %o %b\n", 1/3, 6.02214076e23, 2**53 + 1, 255, 8, 10; print join(" ", unpack("H*", pack("NnC", 0xdeadbeef, 0x1234, 7)), unpack("%32C*", "checksum me")), "\n"'
perl -ne 'print if /^(root|daemon|_apt):/' /etc/passwd
perl -e 'my @p = grep { my $n = $_; !grep { $n % $_ == 0 } 2..sqrt($n) } 2..3000; print scalar(@p), " primes, last $p[-1]\n"'
perl -e 'my $pid = open(my $fh, "-|") // die; if (!$pid) { print "from the child\n"; exit 3 } print "parent read: ", <$fh>; close $fh; print "child status ", $? >> 8, "\n"'
perl -e '$_ = "The quick brown fox jumps over the lazy dog"; my @w = /(\w+)/g; s/(\w+)/\u\L$1/g; print scalar(@w), " words: $_\n"; print join("|", split //, "ferry"), "\n"'
