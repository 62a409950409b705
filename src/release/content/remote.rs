//! The store's scripts, run on servers: what a server lacks of a release, taking objects in
//! (verified by their names, the SHA-256 the controller announced, whoever sent them), and the
//! relay: a listener inside a city that hands its objects to the city's other servers, only to
//! holders of a one-time token and only objects of the announced list.

use crate::provision::resource::CONFINED;
use crate::transport::shell_quote;

/// How long a relay waits for a connection before it ends by itself.
pub const RELAY_IDLE_S: u64 = 30;

/// Sets `I` (install folder), `S` (store), `O` (objects), `K` (the announced keys, named by
/// their SHA-256) and `N` (this release's incoming folder); refuses a store through a link.
/// A transfer of the same release still running (its link was cut: its server never learned
/// that the controller gave up) is ended first: it would otherwise wait for input forever.
fn prelude(root: &str, install: &str, keys_sha: &str) -> String {
    format!(
        "I={i}; KS={ks}; S=\"$I/{store}\"; O=\"$S/objects\"; K=\"$S/layouts/$KS.keys\"; N=\"$S/incoming/$KS\"\n\
         {CONFINED}confined \"$I\" || {{ echo 'the install folder leads through a link' >&2; exit 1; }}\n\
         [ ! -L \"$S\" ] || {{ echo 'the store is a link' >&2; exit 1; }}\n\
         mkdir -p \"$O\" \"$S/layouts\" \"$N\" || exit 1\n\
         if {{ read -r old < \"$N.pid\"; }} 2>/dev/null && [ \"$old\" != $$ ] && grep -q jinbao-script-end \"/proc/$old/cmdline\" 2>/dev/null; then kill -TERM -- \"-$old\" \"$old\" 2>/dev/null; fi\n\
         echo $$ > \"$N.pid\"; trap 'rm -f \"$N.pid\"' EXIT\n\
         find \"$S/incoming\" -mindepth 1 -maxdepth 1 -mmin +1440 -exec rm -rf {{}} + 2>/dev/null\n\
         jb_sweep() {{ ( cd \"$N\" || exit 0; find . -maxdepth 1 -type f -name '[0-9a-f]*' | sed 's|^\\./||' | LC_ALL=C sort | LC_ALL=C comm -12 \"$K\" - > \"$S/.cand.$$\"\n\
           [ -s \"$S/.cand.$$\" ] && xargs sha256sum -- < \"$S/.cand.$$\" | awk '{{ h = $1; n = $2; sub(/^\\\\/, \"\", h); if (n == h || n == h \"x\") print n }}' | xargs -r mv -f -t \"$O\"\n\
           rm -f \"$S/.cand.$$\"; find . -mindepth 1 -delete ); }}\n\
         jb_missing() {{ echo @missing; ls -1 \"$O\" | LC_ALL=C sort | LC_ALL=C comm -23 \"$K\" -; }}\n",
        i = shell_quote(&format!("{root}{install}")),
        ks = shell_quote(keys_sha),
        store = super::STORE,
    )
}

/// The announced keys from stdin (gzipped) into `$K`, refused unless their SHA-256 is the one
/// announced.
const TAKE_KEYS: &str = "timeout 600 gzip -dc > \"$K.part\" && [ \"$(sha256sum < \"$K.part\")\" = \"$KS  -\" ] && mv -f \"$K.part\" \"$K\" \
     || { rm -f \"$K.part\"; echo 'the release keys did not arrive whole' >&2; exit 1; }\n";

/// Takes the announced keys on stdin (gzipped), keeps what whole objects a cut transfer left,
/// and lists the objects the server lacks (`@missing`, one key per line).
pub fn survey_script(root: &str, install: &str, keys_sha: &str) -> String {
    format!(
        "{}{TAKE_KEYS}jb_sweep\njb_missing\n",
        prelude(root, install, keys_sha)
    )
}

/// Takes a pack of objects on stdin into the store: each object is verified and kept as soon
/// as it is whole (a relay passes it on at once; a cut stream keeps what arrived whole), if
/// its name is an announced key and its content's SHA-256; lists what is still missing.
pub fn receive_script(root: &str, install: &str, keys_sha: &str, bytes: u64) -> String {
    // a link cut under a transfer is never seen by the server (no packet says so): the
    // transfer ends by itself once it has had far longer than it needs at 128 kB/s
    let most = 600 + bytes / 131_072;
    format!(
        "{}[ -f \"$K\" ] || {{ echo 'the release keys are not on this server' >&2; exit 1; }}\n\
         timeout {most} gzip -dc 2> \"$N.err\" | perl -e '{KEEP}' \"$N\" \"$O\" \"$K\" 2>> \"$N.err\"\n\
         out=$(tail -n 3 \"$N.err\" 2>/dev/null); rm -f \"$N.err\"\n\
         jb_sweep\njb_missing\n[ -z \"$out\" ] || printf '%s\\n' \"$out\" >&2\n",
        prelude(root, install, keys_sha)
    )
}

/// Takes the announced keys on stdin (gzipped, as [`survey_script`]), starts the relay's
/// listener in the background (its objects, the announced keys, a token per receiver), prints
/// `PORT n`, then what the relay itself lacks (`@missing`). The listener hands out each object
/// as soon as the relay holds it, so the city's servers receive the release while it is still
/// crossing the link. It ends after [`RELAY_IDLE_S`] seconds without a connection, at the
/// latest after an hour, or when [`relay_stop_script`] stops it.
pub fn relay_start_script(root: &str, install: &str, keys_sha: &str, tokens: &[String]) -> String {
    let tokens: Vec<String> = tokens
        .iter()
        .filter(|t| t.bytes().all(|b| b.is_ascii_hexdigit()))
        .cloned()
        .collect();
    format!(
        "{pre}{TAKE_KEYS}jb_sweep\n\
         P=\"$S/relay.$KS\"; [ -f \"$P.pid\" ] && kill -- \"-$(cat \"$P.pid\")\" 2>/dev/null\n\
         rm -f \"$P.out\"; (umask 077; cat > \"$P.pl\") <<'JB_RELAY'\n{perl}JB_RELAY\n\
         O=\"$O\" K=\"$K\" setsid perl \"$P.pl\" < /dev/null > \"$P.out\" 2>&1 &\n\
         echo $! > \"$P.pid\"; n=0\n\
         while [ $n -lt 100 ]; do p=$(sed -n 's/^PORT //p' \"$P.out\" 2>/dev/null); [ -n \"$p\" ] && {{ echo \"PORT $p\"; jb_missing; exit 0; }}; sleep 0.05; n=$((n+1)); done\n\
         echo \"the relay did not start: $(cat \"$P.out\" 2>/dev/null)\" >&2; exit 1\n",
        pre = prelude(root, install, keys_sha),
        perl = RELAY_PERL
            .replace("@TOKENS@", &tokens.join(" "))
            .replace("@IDLE@", &RELAY_IDLE_S.to_string())
            .replace("@PATIENCE@", &RELAY_PATIENCE_S.to_string()),
    )
}

/// Stops the relay's listener and whatever it still serves; prints what it refused.
pub fn relay_stop_script(root: &str, install: &str, keys_sha: &str) -> String {
    format!(
        "{}P=\"$S/relay.$KS\"; [ -f \"$P.pid\" ] && kill -- \"-$(cat \"$P.pid\")\" 2>/dev/null; grep -v '^PORT ' \"$P.out\" 2>/dev/null | sort | uniq -c | head -5; rm -f \"$P.pid\" \"$P.out\" \"$P.pl\"; true\n",
        prelude(root, install, keys_sha)
    )
}

/// How long the relay waits for an object it does not hold yet (still crossing the link, or
/// the link is cut and the controller tries again) before it gives up on a receiver.
pub const RELAY_PATIENCE_S: u64 = 300;

/// On a receiver: fetches the announced keys from the relay (refused unless their SHA-256 is
/// the one announced here), then the objects it lacks, keeps each verified object as it
/// arrives, lists what is still missing. The token travels in the environment, never in
/// arguments.
pub fn relay_fetch_script(
    root: &str,
    install: &str,
    keys_sha: &str,
    relay: &str,
    port: u16,
    token: &str,
) -> String {
    format!(
        "{pre}A={relay}; PT={port}; JB_T={token}; export JB_T\n\
         jb_get() {{ perl -MIO::Socket::INET -e '{client}' \"$A\" \"$PT\" \"$@\"; }}\n\
         n=0; until jb_get KEYS > \"$K.part\" 2> \"$N.err\" && [ \"$(sha256sum < \"$K.part\")\" = \"$KS  -\" ]; do\n\
           n=$((n+1)); [ $n -lt 3 ] || {{ echo \"the relay gave no keys matching the announced ones ($(wc -c < \"$K.part\") bytes; $(head -c 300 \"$N.err\"))\" >&2; rm -f \"$K.part\" \"$N.err\"; exit 3; }}; sleep 1\n\
         done; mv -f \"$K.part\" \"$K\"; rm -f \"$N.err\"\n\
         jb_sweep\n\
         ls -1 \"$O\" | LC_ALL=C sort | LC_ALL=C comm -23 \"$K\" - > \"$N.want\"\n\
         if [ -s \"$N.want\" ]; then jb_get OBJECTS \"$N.want\" 2> \"$N.err\" | perl -e '{KEEP}' \"$N\" \"$O\" \"$K\" 2>> \"$N.err\"; fi\n\
         out=$(tail -n 3 \"$N.err\" 2>/dev/null); rm -f \"$N.want\" \"$N.err\"; jb_sweep\njb_missing\n\
         [ -z \"$out\" ] || printf '%s\\n' \"$out\" >&2\n",
        pre = prelude(root, install, keys_sha),
        relay = shell_quote(relay),
        token = shell_quote(token),
        client = RELAY_CLIENT.replace("@WAIT@", &(RELAY_PATIENCE_S + 30).to_string()),
    )
}

/// Reads objects as a tar stream on stdin into the incoming folder (`$N`, its first argument)
/// and moves each into the store (`$O`) once it is whole, its name an announced key (`$K`)
/// and its SHA-256 that name: checked in batches (a quarter of a second's, timed by
/// /proc/uptime: Debian's perl-base has no Time::HiRes), one `sha256sum` for many objects.
/// Modes come from the key (`x`: executable), never from the stream.
const KEEP: &str = r#"use strict; use warnings; my ($N, $O, $K) = @ARGV; chdir $N or die "incoming: $!\n";
sub now { open(my $u, "<", "/proc/uptime") or return time; my $l = <$u> // ""; close $u; return $l =~ /^(\d+(?:\.\d+)?)/ ? $1 : time }
my %ann; open(my $kf, "<", $K) or die "keys: $!\n"; while (<$kf>) { chomp; $ann{$_} = 1 } close $kf;
binmode STDIN; my (@done, $since);
sub rd { my $n = shift; my $b = ""; while (length($b) < $n) { my $r = read(STDIN, $b, $n - length($b), length($b)); return undef unless $r } return $b }
sub keep { return unless @done; if (open(my $h, "-|", "sha256sum", "--", @done)) { while (my $l = <$h>) { my ($s, $n) = $l =~ /^([0-9a-f]{64})  (\S+)$/ or next; next unless $n eq $s || $n eq "${s}x"; chmod($n =~ /x$/ ? 0755 : 0644, $n); rename($n, "$O/$n") } close $h } @done = (); $since = undef }
ENTRY: while (defined(my $h = rd(512))) {
  last if $h !~ /[^\0]/;
  my ($name, $size, $type) = (unpack("Z100", $h), oct(unpack("x124 Z12", $h) || "0"), substr($h, 156, 1));
  my $ok = ($type eq "0" || $type eq "\0") && $name =~ /^[0-9a-f]{64}x?$/ && $ann{$name};
  my $f; $ok = 0 if $ok && !open($f, ">", $name); binmode $f if $ok;
  my ($left, $data) = ($size + (512 - $size % 512) % 512, $size);
  while ($left > 0) { my $n = $left < 65536 ? $left : 65536; my $b = rd($n); last ENTRY unless defined $b; print $f substr($b, 0, $data < $n ? $data : $n) if $ok && $data > 0; $data -= $n; $left -= $n }
  next unless $ok; close $f or next; push @done, $name; $since //= now(); keep() if @done >= 64 || now() - $since >= 0.25;
}
keep();
"#;

/// The relay's listener: a token per receiver, the announced keys, objects out as a plain tar
/// (each as soon as the relay holds it, waiting up to @PATIENCE@ s for one).
const RELAY_PERL: &str = r#"use strict; use warnings; use IO::Socket::INET; use POSIX ();
my %tok = map { $_ => 1 } qw(@TOKENS@);
unlink $0;
my ($O, $K) = ($ENV{O}, $ENV{K});
my %announced; open(my $kf, "<", $K) or die "keys: $!\n"; while (<$kf>) { chomp; $announced{$_} = 1 } close $kf;
my $l = IO::Socket::INET->new(Listen => 32, LocalAddr => "0.0.0.0", LocalPort => 0, ReuseAddr => 1, Proto => "tcp") or die "listen: $!\n";
$| = 1; print "PORT ", $l->sockport, "\n";
$SIG{CHLD} = "IGNORE";
sub header { my ($n, $size) = @_; my $h = pack("a100 a8 a8 a8 a12 a12 a8 a1 a100 a6 a2", $n, "0000644", "0000000", "0000000", sprintf("%011o", $size), "00000000000", " " x 8, "0", "", "ustar", "00"); $h .= "\0" x (512 - length $h); substr($h, 148, 8) = sprintf("%06o\0 ", unpack("%32C*", $h)); $h }
my $deadline = time + 3600;
while (time < $deadline) {
  my $rin = ""; vec($rin, fileno($l), 1) = 1;
  my $n = select(my $rout = $rin, undef, undef, @IDLE@);
  next if $n < 0 && $!{EINTR};
  last if $n <= 0;
  my $c = $l->accept or next;
  my $pid = fork; if (!defined $pid) { warn "cannot fork: $!\n"; close $c; next } if ($pid) { close $c; next }
  close $l; alarm 60;
  my $t = <$c>; POSIX::_exit(1) unless defined $t; chomp $t; unless ($tok{$t}) { warn "a connection without a token of this transfer\n"; POSIX::_exit(1) }
  my $req = <$c> // ""; chomp $req; binmode $c;
  if ($req eq "KEYS") { open(my $f, "<", $K) or POSIX::_exit(1); local $/; my $d = <$f>; print $c $d; close $c; POSIX::_exit(0) }
  if ($req eq "OBJECTS") {
    my @k; while (my $line = <$c>) { chomp $line; last if $line eq ""; unless ($announced{$line}) { warn "asked for an object not announced\n"; POSIX::_exit(1) } push @k, $line }
    alarm 3600;
    for my $k (@k) {
      my $waited = 0; until (-f "$O/$k") { if ($waited >= @PATIENCE@ * 5) { warn "an object did not reach the relay in time\n"; POSIX::_exit(1) } select(undef, undef, undef, 0.2); $waited++ }
      open(my $f, "<", "$O/$k") or POSIX::_exit(1); binmode $f; my $size = -s $f;
      print $c header($k, $size) or POSIX::_exit(1); my ($b, $sent) = ("", 0);
      while ($sent < $size) { my $r = read($f, $b, 65536); last unless $r; $b = substr($b, 0, $size - $sent) if $sent + $r > $size; print $c $b or POSIX::_exit(1); $sent += length $b }
      close $f; POSIX::_exit(1) if $sent < $size; print $c "\0" x ((512 - $size % 512) % 512);
    }
    print $c "\0" x 1024; close $c; POSIX::_exit(0);
  }
  POSIX::_exit(1);
}
"#;

/// The receiver's side: connect, the token, the request (and a list of keys), the answer out.
const RELAY_CLIENT: &str = r#"my ($a, $p, $req, $list) = @ARGV; my $s = IO::Socket::INET->new(PeerAddr => $a, PeerPort => $p, Timeout => 10) or die "cannot reach the relay: $!\n"; binmode $s; print $s "$ENV{JB_T}\n$req\n"; if (defined $list) { open(my $f, "<", $list) or die; print $s $_ while <$f>; } print $s "\n"; binmode STDOUT; $SIG{ALRM} = sub { die "the relay stalled\n" }; my $b; while (1) { alarm @WAIT@; my $n = sysread($s, $b, 65536); alarm 0; last unless $n; print STDOUT $b }"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_quoted_and_tokens_never_reach_arguments() {
        let s = relay_fetch_script("", "/opt/x y", "ab", "10.0.0.1", 4000, "deadbeef");
        assert!(s.contains("I='/opt/x y'"));
        // the token is set in the environment of the script, not on any command line
        assert!(s.contains("JB_T=deadbeef; export JB_T"));
        assert!(!RELAY_CLIENT.contains('\''));
        assert!(!RELAY_PERL.contains("JB_RELAY"));
        let r = relay_start_script("", "/opt/x", "ab", &["01".into(), "x y".into()]);
        assert!(r.contains("qw(01)"));
    }
}
