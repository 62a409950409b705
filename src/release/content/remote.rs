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

/// Takes the announced keys on stdin (gzipped), keeps what whole objects a cut transfer left,
/// and lists the objects the server lacks (`@missing`, one key per line).
pub fn survey_script(root: &str, install: &str, keys_sha: &str) -> String {
    format!(
        "{}timeout 600 gzip -dc > \"$K.part\" && [ \"$(sha256sum < \"$K.part\")\" = \"$KS  -\" ] && mv -f \"$K.part\" \"$K\" \
         || {{ rm -f \"$K.part\"; echo 'the release keys did not arrive whole' >&2; exit 1; }}\n\
         jb_sweep\njb_missing\n",
        prelude(root, install, keys_sha)
    )
}

/// Takes a pack of objects on stdin into the store: every whole object whose name is an
/// announced key and its content's SHA-256 is kept (a cut stream keeps what arrived whole);
/// lists what is still missing.
pub fn receive_script(root: &str, install: &str, keys_sha: &str, bytes: u64) -> String {
    // a link cut under a transfer is never seen by the server (no packet says so): the
    // transfer ends by itself once it has had far longer than it needs at 128 kB/s
    let most = 600 + bytes / 131_072;
    format!(
        "{}[ -f \"$K\" ] || {{ echo 'the release keys are not on this server' >&2; exit 1; }}\n\
         out=$(timeout {most} gzip -dc 2>&1 | tar -m --no-same-owner --no-same-permissions -xf - -C \"$N\" 2>&1)\n\
         jb_sweep\njb_missing\n[ -z \"$out\" ] || printf '%s\\n' \"$out\" | tail -n 3 >&2\n",
        prelude(root, install, keys_sha)
    )
}

/// Starts the relay's listener in the background (its objects, the announced keys, a token
/// per receiver) and prints `PORT n`. It ends after [`RELAY_IDLE_S`] seconds without a
/// connection, at the latest after an hour, or when [`relay_stop_script`] stops it.
pub fn relay_start_script(root: &str, install: &str, keys_sha: &str, tokens: &[String]) -> String {
    let tokens: Vec<String> = tokens
        .iter()
        .filter(|t| t.bytes().all(|b| b.is_ascii_hexdigit()))
        .cloned()
        .collect();
    format!(
        "{pre}[ -f \"$K\" ] || {{ echo 'the release keys are not on the relay' >&2; exit 1; }}\n\
         P=\"$S/relay.$KS\"; [ -f \"$P.pid\" ] && kill \"$(cat \"$P.pid\")\" 2>/dev/null\n\
         rm -f \"$P.out\"; (umask 077; cat > \"$P.pl\") <<'JB_RELAY'\n{perl}JB_RELAY\n\
         O=\"$O\" K=\"$K\" setsid perl \"$P.pl\" < /dev/null > \"$P.out\" 2>&1 &\n\
         echo $! > \"$P.pid\"; n=0\n\
         while [ $n -lt 100 ]; do p=$(sed -n 's/^PORT //p' \"$P.out\" 2>/dev/null); [ -n \"$p\" ] && {{ echo \"PORT $p\"; exit 0; }}; sleep 0.05; n=$((n+1)); done\n\
         echo \"the relay did not start: $(cat \"$P.out\" 2>/dev/null)\" >&2; exit 1\n",
        pre = prelude(root, install, keys_sha),
        perl = RELAY_PERL
            .replace("@TOKENS@", &tokens.join(" "))
            .replace("@IDLE@", &RELAY_IDLE_S.to_string()),
    )
}

/// Stops the relay's listener (if it still runs).
pub fn relay_stop_script(root: &str, install: &str, keys_sha: &str) -> String {
    format!(
        "{}P=\"$S/relay.$KS\"; [ -f \"$P.pid\" ] && kill \"$(cat \"$P.pid\")\" 2>/dev/null; grep -v '^PORT ' \"$P.out\" 2>/dev/null | sort | uniq -c | head -5; rm -f \"$P.pid\" \"$P.out\" \"$P.pl\"; true\n",
        prelude(root, install, keys_sha)
    )
}

/// On a receiver: fetches the announced keys from the relay (refused unless their SHA-256 is
/// the one announced here), then the objects it lacks, keeps what is whole, lists what is
/// still missing. The token travels in the environment, never in arguments.
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
         if [ -s \"$N.want\" ]; then jb_get OBJECTS \"$N.want\" | tar -m --no-same-owner --no-same-permissions -xf - -C \"$N\" 2>/dev/null; fi\n\
         rm -f \"$N.want\"; jb_sweep\njb_missing\n",
        pre = prelude(root, install, keys_sha),
        relay = shell_quote(relay),
        token = shell_quote(token),
        client = RELAY_CLIENT,
    )
}

/// The relay's listener: a token per receiver, the announced keys, objects out as a plain tar.
const RELAY_PERL: &str = r#"use strict; use warnings; use IO::Socket::INET; use POSIX ();
my %tok = map { $_ => 1 } qw(@TOKENS@);
unlink $0;
my ($O, $K) = ($ENV{O}, $ENV{K});
my %announced; open(my $kf, "<", $K) or die "keys: $!\n"; while (<$kf>) { chomp; $announced{$_} = 1 } close $kf;
my $l = IO::Socket::INET->new(Listen => 32, LocalAddr => "0.0.0.0", LocalPort => 0, ReuseAddr => 1, Proto => "tcp") or die "listen: $!\n";
$| = 1; print "PORT ", $l->sockport, "\n";
$SIG{CHLD} = "IGNORE";
my $deadline = time + 3600;
while (time < $deadline) {
  my $rin = ""; vec($rin, fileno($l), 1) = 1;
  my $n = select(my $rout = $rin, undef, undef, @IDLE@);
  next if $n < 0 && $!{EINTR};
  last if $n <= 0;
  my $c = $l->accept or next;
  my $pid = fork; if (!defined $pid) { warn "cannot fork: $!\n"; close $c; next } if ($pid) { close $c; next }
  close $l; alarm 600;
  my $t = <$c>; POSIX::_exit(1) unless defined $t; chomp $t; unless ($tok{$t}) { warn "a connection without a token of this transfer\n"; POSIX::_exit(1) }
  my $req = <$c> // ""; chomp $req; binmode $c;
  if ($req eq "KEYS") { open(my $f, "<", $K) or POSIX::_exit(1); local $/; my $d = <$f>; print $c $d; close $c; POSIX::_exit(0) }
  if ($req eq "OBJECTS") {
    my @k; while (my $line = <$c>) { chomp $line; last if $line eq ""; unless ($announced{$line} && -f "$O/$line") { warn "asked for an object it does not hold\n"; POSIX::_exit(1) } push @k, $line }
    open(STDOUT, ">&", $c) or POSIX::_exit(1); chdir $O or POSIX::_exit(1); exec("tar", "-cf", "-", "--", @k) or POSIX::_exit(1);
  }
  POSIX::_exit(1);
}
"#;

/// The receiver's side: connect, the token, the request (and a list of keys), the answer out.
const RELAY_CLIENT: &str = r#"my ($a, $p, $req, $list) = @ARGV; my $s = IO::Socket::INET->new(PeerAddr => $a, PeerPort => $p, Timeout => 10) or die "cannot reach the relay: $!\n"; binmode $s; print $s "$ENV{JB_T}\n$req\n"; if (defined $list) { open(my $f, "<", $list) or die; print $s $_ while <$f>; } print $s "\n"; binmode STDOUT; $SIG{ALRM} = sub { die "the relay stalled\n" }; my $b; while (1) { alarm 60; my $n = sysread($s, $b, 65536); alarm 0; last unless $n; print STDOUT $b }"#;

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
