# os-hosts.sh: the "real OS" hosts of tests/testbed/hosts (sourced by it, never run alone).
#
# An OS host is a Debian 12 system booted with systemd-nspawn: its own systemd as PID 1, its own
# sshd (ssh.service), dbus, journald, users and units, apt. Every host boots the same root file
# system, built once per machine and cached in $CACHE, each with its own copy-on-write overlay
# (DIR/hN/upper, kept across poweroff and boot). The hosts' network:
#
#   root namespace --- jbosB (10.203.B.1) <veth> up0 (10.203.B.2) --- router namespace jbosrB
#   router rO (10.203.O.1) <veth> eth0 (10.203.O.2) in host namespace jbtbO, O = B + N
#
# Only the router forwards (the root namespace never does); it has no default route, so nothing
# leaves the machine. Policy rules in the router keep each city to itself: a city's hosts reach
# their own city, the mirror host and, to answer the controller, the controller's ephemeral
# ports; never another city, never a service of the controller (ports below 32768). The mirror
# host (in no city) reaches every host. A later per-city rate limit
# fits on the one controller link (htb classes by city subnet on jbosB and on up0).
#
# The province's package mirror (an apt repository of the workload's packages, signed with a
# key of this machine) is built once next to the root file system and served over HTTP by the
# mirror host (the profile's [testbed] mirror), read-only.

CACHE=${JINBAO_TESTBED_CACHE:-/var/cache/jinbao-testbed}
SUITE=bookworm
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
# what a city server needs to boot and be managed (procps: jinbao's sysctl and ps; busybox:
# the mirror's HTTP server and a small nc, in one 1 MB binary instead of python3's 25 MB)
ROOTFS_PACKAGES=(systemd systemd-sysv dbus openssh-server iproute2 ca-certificates procps busybox)
# what the workload installs from the mirror (with every dependency the image lacks)
MIRROR_PACKAGES=(postgresql-15 postgresql-client-15 nginx-light python3-minimal python3
  python3-psycopg2 pgbackrest ssl-cert)
MIRROR_KEY=$CACHE/mirror-key
ROUTER=jbosr$BASE
ULINK=jbos$BASE
NSPAWN_ENV=(SYSTEMD_NSPAWN_LOCK=0                 # every host boots the same lower tree
            SYSTEMD_NSPAWN_API_VFS_WRITABLE=network)  # net sysctls are the host's own; the rest read-only
INOTIFY_INSTANCES=1024
PATH_IN=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
MIRROR_HOST=${MIRROR_HOST:-0}; ROOTFS=${ROOTFS:-}; MIRROR=${MIRROR:-}
declare -A NAME CITY; NAME=(); CITY=()
if [[ -f $DIR/bed.env ]]; then . "$DIR/bed.env"; fi

os_save_state() {
  { echo "OS=1"; echo "BASE=$BASE"; echo "COUNT=$COUNT"; echo "ROOTFS=$ROOTFS"; echo "MIRROR=$MIRROR"
    echo "MIRROR_HOST=$MIRROR_HOST"; echo "declare -A BEHIND=() NAME=() CITY=()"
    local k; for k in "${!NAME[@]}"; do printf 'NAME[%d]=%q; CITY[%d]=%q\n' "$k" "${NAME[$k]}" "$k" "${CITY[$k]:-}"; done
  } >"$DIR/bed.env.new"
  mv -f "$DIR/bed.env.new" "$DIR/bed.env"
}
name_of() { echo "${NAME[$1]:-h$1}"; }
os_num() {  # HOST: hN, or a host's server name, as hN
  local k; for k in "${!NAME[@]}"; do [[ ${NAME[$k]} == "$1" ]] && { echo "h$k"; return 0; }; done
  echo "$1"
}

# Every descriptor above 2 closed, then exec: what outlives this script (a container, gpg's
# agent) must not hold the caller's locks (fd 9 here, a test harness's build lock...).
detached() {
  local fd; for fd in /proc/$BASHPID/fd/*; do
    fd=${fd##*/}; ((fd > 2)) && eval "exec $fd>&-" 2>/dev/null
  done
  exec "$@"
}

os_tools() {
  local need=() t
  command -v debootstrap >/dev/null || need+=(debootstrap)
  command -v systemd-nspawn >/dev/null || need+=(systemd-container)
  command -v apt-ftparchive >/dev/null || need+=(apt-utils)
  command -v gpg >/dev/null || need+=(gpg)
  command -v ssh-keygen >/dev/null || need+=(openssh-client)
  if ((${#need[@]})); then
    echo "hosts: installing ${need[*]} (apt-get)" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${need[@]}"; } >/dev/null || die "cannot install ${need[*]}"
  fi
  for t in ip nsenter unshare setsid flock python3 pgrep sha256sum; do command -v "$t" >/dev/null || die "missing tool: $t"; done
  grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || die "the kernel lacks overlayfs"
  # each host's systemd holds a few inotify instances, all of them root's: past ~20 hosts the
  # default 128 runs out and hosts boot degraded. The one machine-wide setting raised (never lowered).
  local v; read -r v </proc/sys/fs/inotify/max_user_instances
  if ((v < INOTIFY_INSTANCES)); then
    echo "hosts: raising fs.inotify.max_user_instances from $v to $INOTIFY_INSTANCES" >&2
    sysctl -qw fs.inotify.max_user_instances="$INOTIFY_INSTANCES"
  fi
}

# ---- the root file system: debootstrap once per recipe, cached outside the clone ----

# The Debian archives this machine's apt uses for SUITE: "URI SUITE" lines (one-line and deb822
# sources). The image and the mirror come from the same place as the machine's own packages.
debian_sources() {
  python3 - "$SUITE" <<'PY'
import glob, re, sys
suite, seen = sys.argv[1], []
def add(uris, suites, comps):
    for u in uris:
        for s in suites:
            if (s == suite or s.startswith(suite + "-")) and "main" in comps and (u, s) not in seen:
                seen.append((u, s))
for f in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
    try: lines = open(f).read().splitlines()
    except OSError: continue
    for l in lines:
        l = re.sub(r"\[[^]]*\]", "", l.split("#")[0]).split()
        if len(l) >= 4 and l[0] == "deb": add([l[1]], [l[2]], l[3:])
for f in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
    for stanza in re.split(r"\n\s*\n", open(f).read()):
        kv = {}
        for l in stanza.splitlines():
            if l.startswith("#") or ":" not in l: continue
            k, v = l.split(":", 1); kv[k.strip().lower()] = v.split()
        if "deb" in kv.get("types", []) and kv.get("enabled", ["yes"])[0] != "no":
            add(kv.get("uris", []), kv.get("suites", []), kv.get("components", []))
for u, s in seen: print(u, s)
PY
}

# Post-steps that make the debootstrap tree a city server image. Part of the recipe: editing
# this function rebuilds the image.
rootfs_post() {  # DIR
  local r=$1 u
  : >"$r/etc/machine-id"; rm -f "$r/var/lib/dbus/machine-id"   # each host writes its own
  echo localhost >"$r/etc/hostname"
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$r/etc/hosts"
  echo '# no DNS on the business network' >"$r/etc/resolv.conf"
  # city servers have no internet: no sources until the province mirror is configured
  : >"$r/etc/apt/sources.list"; rm -f "$r/etc/apt/sources.list.d/"*
  rm -rf "$r/var/lib/apt/lists/"* "$r/var/cache/apt/"*.bin "$r/var/cache/apt/archives/"*.deb
  rm -f "$r/etc/ssh/ssh_host_"*   # each host gets its own key in its overlay
  cat >"$r/etc/ssh/sshd_config.d/jinbao-testbed.conf" <<'EOF'
# test bed host: the one host key its overlay holds, key-only root login
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
EOF
  # UTF-8 for services and ssh sessions (pam_env): PostgreSQL's clusters are created UTF8
  echo 'LANG=C.UTF-8' >"$r/etc/default/locale"; echo 'LANG=C.UTF-8' >"$r/etc/locale.conf"
  # nothing for these to do in a container without a console or the internet
  for u in console-getty.service apt-daily.timer apt-daily-upgrade.timer fstrim.timer e2scrub_all.timer; do
    ln -sfn /dev/null "$r/etc/systemd/system/$u"
  done
}

rootfs_recipe() {
  echo "debootstrap --variant=minbase --arch=$ARCH --components=main --include=$(IFS=,; echo "${ROOTFS_PACKAGES[*]}") $SUITE"
  declare -f rootfs_post
}

cache_lock() {  # one builder per machine at a time, whatever test bed asked
  mkdir -p "$CACHE"; chmod 0755 "$CACHE"
  exec 8>"$CACHE/.lock"; flock 8
}
cache_unlock() { exec 8>&-; }

build_rootfs() {  # sets ROOTFS to the image of the current recipe, building it when missing
  local hash; hash=$(rootfs_recipe | sha256sum | cut -c1-16)
  ROOTFS=$CACHE/rootfs-$hash
  [[ -f $ROOTFS/.complete ]] && return 0
  cache_lock
  if [[ ! -f $ROOTFS/.complete ]]; then
    local uri t0=$SECONDS tmp=$CACHE/.rootfs-$hash.tmp
    uri=$(debian_sources | awk -v s="$SUITE" '$2 == s {print $1; exit}')
    [[ -n $uri ]] || die "no Debian $SUITE archive in this machine's apt sources"
    echo "hosts: building the OS hosts' root file system from $uri (a few minutes, once)" >&2
    rm -rf "$tmp" "$ROOTFS"
    # a private mount namespace: whatever debootstrap leaves mounted vanishes with it
    if ! unshare -m --propagation private debootstrap --variant=minbase --arch="$ARCH" --components=main \
        --include="$(IFS=,; echo "${ROOTFS_PACKAGES[*]}")" "$SUITE" "$tmp" "$uri" >"$CACHE/rootfs-$hash.log" 2>&1; then
      tail -5 "$CACHE/rootfs-$hash.log" >&2; die "debootstrap failed (log: $CACHE/rootfs-$hash.log)"
    fi
    rootfs_post "$tmp"
    rootfs_recipe >"$tmp/.recipe"; mv "$CACHE/rootfs-$hash.log" "$tmp/.build.log"; touch "$tmp/.complete"
    mv -T "$tmp" "$ROOTFS"
    echo "hosts: root file system built in $((SECONDS - t0)) s: $ROOTFS ($(du -sh "$ROOTFS" | cut -f1))" >&2
  fi
  cache_unlock
}

# ---- the province mirror: an apt repository of the workload, signed, cached per recipe ----

mirror_gpg() { detached gpg --homedir "$MIRROR_KEY" --batch --quiet "$@"; }

mirror_key() {  # prints the signing key's fingerprint, made once per machine
  if [[ ! -f $MIRROR_KEY/mirror.asc ]]; then
    rm -rf "$MIRROR_KEY"; mkdir -m 0700 -p "$MIRROR_KEY"
    ( mirror_gpg --passphrase '' --quick-gen-key 'jinbao test bed province mirror <mirror@jinbao-testbed.invalid>' \
        ed25519 sign never ) || die "cannot make the mirror's signing key"
    ( mirror_gpg --armor --export ) >"$MIRROR_KEY/mirror.asc.new"
    mv "$MIRROR_KEY/mirror.asc.new" "$MIRROR_KEY/mirror.asc"
  fi
  ( mirror_gpg --with-colons --list-secret-keys ) | awk -F: '$1 == "fpr" {print $10; exit}'
  mirror_agent_stop
}
mirror_agent_stop() { gpgconf --homedir "$MIRROR_KEY" --kill gpg-agent 2>/dev/null || true; }

# The workload's .debs and every dependency the image lacks, as apt on a host would pick them:
# apt-get --download-only in a throwaway overlay of the image, with this machine's archives.
mirror_fetch() {  # OUT
  local out=$1 w=$1.work
  mkdir -p "$w"/{up,wk,root} "$out/debian/pool/main"
  debian_sources | awk '{print "deb", $1, $2, "main"}' >"$w/sources.list"
  unshare -m --propagation private bash -euc '
    r=$1 w=$2 out=$3; shift 3
    mount -t overlay overlay -o "lowerdir=$r,upperdir=$w/up,workdir=$w/wk" "$w/root"
    mount -t proc proc "$w/root/proc"; mount --rbind /dev "$w/root/dev"
    cp /etc/resolv.conf "$w/root/etc/resolv.conf"; cp "$w/sources.list" "$w/root/etc/apt/sources.list"
    chroot "$w/root" apt-get -q update
    chroot "$w/root" env DEBIAN_FRONTEND=noninteractive apt-get -q -y --download-only install "$@"
    cp "$w/root/var/cache/apt/archives/"*.deb "$out/debian/pool/main/"
  ' _ "$ROOTFS" "$w" "$out" "${MIRROR_PACKAGES[@]}" >"$out.log" 2>&1 || { tail -5 "$out.log" >&2; return 1; }
  rm -rf "$w"
}

mirror_index() {  # OUT FINGERPRINT: Packages, Release, InRelease and Release.gpg
  local d=$1/debian dist=$1/debian/dists/$SUITE p=APT::FTPArchive::Release
  mkdir -p "$dist/main/binary-$ARCH"
  (cd "$d" && apt-ftparchive packages pool/main) >"$dist/main/binary-$ARCH/Packages"
  gzip -9kn "$dist/main/binary-$ARCH/Packages"
  apt-ftparchive -o "$p::Origin=jinbao-testbed" -o "$p::Label=province mirror (jinbao test bed)" \
    -o "$p::Suite=$SUITE" -o "$p::Codename=$SUITE" -o "$p::Architectures=$ARCH" -o "$p::Components=main" \
    release "$dist" >"$1/Release"
  mv "$1/Release" "$dist/Release"
  ( mirror_gpg --local-user "$2" --clearsign -o "$dist/InRelease" "$dist/Release" ) &&
    ( mirror_gpg --local-user "$2" --armor --detach-sign -o "$dist/Release.gpg" "$dist/Release" )
}

mirror_recipe() {  # FINGERPRINT
  echo "rootfs ${ROOTFS##*/} suite $SUITE arch $ARCH key $1 packages ${MIRROR_PACKAGES[*]}"
  debian_sources | awk '{print "from", $2}'
  declare -f mirror_fetch mirror_index
}

build_mirror() {  # sets MIRROR to the repository of the current recipe, building it when missing
  local fpr hash
  cache_lock; fpr=$(mirror_key); cache_unlock
  [[ -n $fpr ]] || die "no signing key in $MIRROR_KEY"
  hash=$(mirror_recipe "$fpr" | sha256sum | cut -c1-16)
  MIRROR=$CACHE/mirror-$hash
  [[ -f $MIRROR/.complete ]] && return 0
  cache_lock
  if [[ ! -f $MIRROR/.complete ]]; then
    local t0=$SECONDS tmp=$CACHE/.mirror-$hash.tmp
    echo "hosts: building the province mirror (${MIRROR_PACKAGES[*]}; once)" >&2
    rm -rf "$tmp" "$tmp.work" "$MIRROR"
    mirror_fetch "$tmp" || die "cannot download the mirror's packages (log: $tmp.log)"
    mirror_index "$tmp" "$fpr" || { mirror_agent_stop; die "cannot index and sign the mirror"; }
    mirror_agent_stop
    cp "$MIRROR_KEY/mirror.asc" "$tmp/debian/mirror.asc"
    mirror_recipe "$fpr" >"$tmp/.recipe"; mv "$tmp.log" "$tmp/build.log"; touch "$tmp/.complete"
    mv -T "$tmp" "$MIRROR"
    echo "hosts: mirror built in $((SECONDS - t0)) s: $MIRROR ($(ls "$MIRROR/debian/pool/main" | wc -l) packages, $(du -sh "$MIRROR" | cut -f1))" >&2
  fi
  cache_unlock
}

mirror_url() { echo "http://$(addr_of "$MIRROR_HOST")/debian"; }

# ---- the declaration in profiles/env/os.toml ----
# "COUNT BASE", "mirror N NAME", then "host N SERVER CITY" for each server at a host's address
os_declared() {
  [[ -f $PROFILE ]] || die "$PROFILE is missing"
  python3 - "$PROFILE" <<'PY'
import sys, tomllib
d = tomllib.load(open(sys.argv[1], "rb"))
tb = d.get("testbed") or sys.exit("hosts: [testbed] missing in " + sys.argv[1])
tb.get("os") or sys.exit("hosts: " + sys.argv[1] + " does not declare an OS test bed ([testbed] os = true)")
base = tb.get("base", 0)
print(tb["hosts"], base)
m = tb.get("mirror", {})
if m: print("mirror", m["host"].lstrip("h"), m.get("server", m["host"]))
for city, site in sorted(d.get("cities", {}).items()):
    for name, s in sorted(site.get("datacenter", {}).get("servers", {}).items()):
        a = s.get("address", "").split(".")
        if len(a) == 4 and a[:2] == ["10", "203"] and a[3] == "2" and int(a[2]) > base:
            print("host", int(a[2]) - base, name, city)
        else:
            print("hosts: %s: server %s at %s is not a host of this bed" % (sys.argv[1], name, ".".join(a)), file=sys.stderr)
PY
}

# ---- network: the router namespace, the hosts' links, the cities' rules ----

router_up() {  # (re)make the router and its link to the root namespace; routes to every host
  local r=10.203.$BASE
  [[ -e /run/netns/$ROUTER ]] || ip netns add "$ROUTER"
  if [[ $(ip -o -4 addr show dev "$ULINK" 2>/dev/null) != *" $r.1/24 "* ]] ||
     [[ $(ip -n "$ROUTER" -o -4 addr show dev up0 2>/dev/null) != *" $r.2/24 "* ]]; then
    ip link del "$ULINK" 2>/dev/null || true
    ip -n "$ROUTER" link del up0 2>/dev/null || true
    ip link add "$ULINK" type veth peer name up0 netns "$ROUTER"
    ip addr add "$r.1/24" dev "$ULINK"; ip link set "$ULINK" up
    ip -n "$ROUTER" -batch - <<<"link set lo up"$'\n'"addr add $r.2/24 dev up0"$'\n'"link set up0 up"
  fi
  # forwarding in the router only: it has no default route, so nothing goes further
  ip netns exec "$ROUTER" sysctl -qw net.ipv4.ip_forward=1
  # refusals (prohibit, unreachable) answered every time, not rate-limited into timeouts
  ip netns exec "$ROUTER" sysctl -qw net.ipv4.icmp_ratelimit=0
  ip route replace unreachable 10.203.0.0/16 metric 4000000000 2>/dev/null || true
  local i; for ((i = 1; i <= COUNT; i++)); do
    ip route replace "10.203.$(octet "$i").0/24" via "$r.2" dev "$ULINK"
  done
}

os_link_ok() {  # I
  local o; o=$(octet "$1")
  [[ -e /run/netns/jbtb$o ]] &&
    [[ $(ip -n "jbtb$o" -o -4 addr show dev eth0 2>/dev/null) == *" 10.203.$o.2/24 "* ]] &&
    [[ $(ip -n "$ROUTER" -o -4 addr show dev "r$o" 2>/dev/null) == *" 10.203.$o.1/24 "* ]]
}

os_netns_ok() {  # I: a running host is in the namespace that bears its name
  local l; l=$(leader_pid "$1"); [[ -n $l ]] || return 0
  [[ -e /run/netns/jbtb$(octet "$1") ]] &&
    [[ $(stat -L -c %i "/proc/$l/ns/net") == "$(stat -L -c %i "/run/netns/jbtb$(octet "$1")")" ]]
}

os_make_link() {  # I: the host's namespace and its link to the router
  local o; o=$(octet "$1")
  [[ -e /run/netns/jbtb$o ]] || ip netns add "jbtb$o"
  ip -n "$ROUTER" link del "r$o" 2>/dev/null || true
  ip -n "jbtb$o" link del eth0 2>/dev/null || true
  ip -n "$ROUTER" link add "r$o" type veth peer name eth0 netns "jbtb$o"
  ip -n "$ROUTER" -batch - <<<"addr add 10.203.$o.1/24 dev r$o"$'\n'"link set r$o up"
  ip -n "jbtb$o" -batch - <<<"link set lo up"$'\n'"addr add 10.203.$o.2/24 dev eth0"$'\n'"link set eth0 up"
  os_default "$1"
}

os_default() {  # I: everything through the router (link down flushes it: heal puts it back)
  local o; o=$(octet "$1")
  ip -n "jbtb$o" route replace default via "10.203.$o.1" 2>/dev/null || true
}

# Rules in the router, rebuilt whole at every up. From a host's link: to the controller, only
# TCP to its ephemeral ports (answers to what the controller opened) and ICMP; then a city
# host looks up its city's table (its city, the mirror, `prohibit` for the rest), any other
# host (the mirror, hosts the profile does not name) the main table (every host).
router_rules() {
  local c=10.203.$BASE lo hi i o k cmds=() ; declare -A table=()
  read -r lo hi </proc/sys/net/ipv4/ip_local_port_range
  while read -r k; do cmds+=("rule del pref $k"); done < <(ip -n "$ROUTER" -4 rule show | awk -F: '$1 >= 1000 && $1 < 2000 {print $1}')
  for k in $(ip -n "$ROUTER" -4 rule show | awk '/lookup 1[0-9][0-9]/ {print $NF}' | sort -u); do cmds+=("route flush table $k"); done
  for ((i = 1; i <= COUNT; i++)); do
    k=${CITY[$i]:-}; [[ -n $k && -z ${table[$k]:-} ]] && table[$k]=$((100 + ${#table[@]} + 1))
  done
  for ((i = 1; i <= COUNT; i++)); do
    o=$(octet "$i"); k=${CITY[$i]:-}
    cmds+=("rule add pref 1000 iif r$o to $c.1 ipproto tcp dport $lo-$hi lookup main"
           "rule add pref 1000 iif r$o to $c.1 ipproto icmp lookup main"
           "rule add pref 1001 iif r$o to $c.0/24 prohibit")
    [[ -n $k ]] || continue
    cmds+=("rule add pref 1002 iif r$o lookup ${table[$k]}"
           "route replace 10.203.$o.0/24 dev r$o table ${table[$k]}")
  done
  for k in "${!table[@]}"; do
    cmds+=("route replace prohibit default table ${table[$k]}")
    ((MIRROR_HOST)) && cmds+=("route replace 10.203.$(octet "$MIRROR_HOST").0/24 dev r$(octet "$MIRROR_HOST") table ${table[$k]}")
  done
  printf '%s\n' "${cmds[@]}" | ip -n "$ROUTER" -batch - || die "cannot set the router's rules"
}

# ---- containers ----

nspawn_pid() {  # I: the systemd-nspawn running host I, or nothing
  local p a=()
  for p in $(pgrep -x systemd-nspawn); do
    mapfile -d '' a 2>/dev/null <"/proc/$p/cmdline" || continue
    [[ " ${a[*]} " == *":$DIR/h$1/upper:/ "* ]] && { echo "$p"; return 0; }
  done
  true
}
leader_pid() {  # I: the host's PID 1 (systemd), seen from here
  local p c; p=$(nspawn_pid "$1"); [[ -n $p ]] || return 0
  for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do
    [[ $(readlink "/proc/$c/ns/pid") != "$(readlink "/proc/$p/ns/pid")" ]] && { echo "$c"; return 0; }
  done
  true
}
in_host_argv() {  # I CMD...: sets ARGV to run CMD inside the running host (all its namespaces)
  local l; l=$(leader_pid "$1")
  [[ -n $l ]] || die "h$1 is powered off (boot it first)"; shift
  ARGV=(nsenter -t "$l" -a -- env -i PATH="$PATH_IN" HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" "$@")
}
in_host() { local ARGV; in_host_argv "$@"; "${ARGV[@]}"; }

put() {  # MODE FILE < content: replace a file in an overlay (a whiteout there included)
  rm -f "$2"; cat >"$2"; chmod "$1" "$2"
}

os_host_files() {  # I: what makes the host itself, written into its overlay while it is off
  local i=$1 h=$DIR/h$1 u=$DIR/h$1/upper name; name=$(name_of "$1")
  install -d -m 0755 "$u" "$u/etc" "$u/etc/ssh" "$u/etc/systemd" "$u/etc/systemd/system"
  install -d -m 0700 "$u/root" "$u/root/.ssh"
  [[ -f $h/ssh_host_ed25519_key ]] || ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$h/ssh_host_ed25519_key"
  ssh-keygen -l -f "$h/ssh_host_ed25519_key.pub" | awk '{print $2}' >"$h/fingerprint"
  [[ -s $h/machine-id ]] || od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$h/machine-id"
  put 0444 "$u/etc/machine-id" <"$h/machine-id"
  put 0644 "$u/etc/hostname" <<<"$name"
  put 0644 "$u/etc/hosts" <<<$'127.0.0.1\tlocalhost\n127.0.1.1\t'"$name"$'\n::1\tlocalhost ip6-localhost ip6-loopback'
  put 0600 "$u/etc/ssh/ssh_host_ed25519_key" <"$h/ssh_host_ed25519_key"
  put 0644 "$u/etc/ssh/ssh_host_ed25519_key.pub" <"$h/ssh_host_ed25519_key.pub"
  put 0600 "$u/root/.ssh/authorized_keys" <"$DIR/client_ed25519.pub"
  ((i == MIRROR_HOST)) || return 0
  install -d -m 0755 "$u/etc/systemd/system/multi-user.target.wants"
  put 0644 "$u/etc/systemd/system/province-mirror.service" <<'EOF'
[Unit]
Description=Province package mirror (apt repository under /srv/mirror, read-only) over HTTP
After=network.target

[Service]
ExecStart=/bin/busybox httpd -f -p 80 -h /srv/mirror -u www-data:www-data
Restart=on-failure

[Install]
WantedBy=multi-user.target
EOF
  ln -sfn ../province-mirror.service "$u/etc/systemd/system/multi-user.target.wants/province-mirror.service"
}

# Each host in cgroups of its own, in the hierarchies systemd uses: nspawn with --keep-unit puts
# its container under the cgroup it starts in, and on a machine without systemd that is the same
# one for every host; their services would share cgroups (systemctl stop on one host signals
# the same service on all).
cgroup_dirs() {  # I: the host's cgroup folders
  local m; for m in /sys/fs/cgroup /sys/fs/cgroup/unified /sys/fs/cgroup/systemd; do
    [[ -f $m/cgroup.procs ]] && echo "$m/jinbao-testbed-os-$BASE/h$1"
  done; true
}
cgroup_enter() {  # I: moves this (sub)shell into the host's cgroups
  local d; for d in $(cgroup_dirs "$1"); do mkdir -p "$d"; echo "$BASHPID" >"$d/cgroup.procs"; done
}
cgroup_remove() {  # I...: once the hosts are off (empty cgroups only; a cgroup folder is removed with rmdir)
  local i d; for i in "$@"; do
    for d in $(cgroup_dirs "$i"); do [[ -d $d ]] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null; done
  done; true
}

strays() {  # I: processes in the host's namespace that no running container owns (a crash)
  [[ -z $(nspawn_pid "$1") ]] || return 0
  netns_pids "jbtb$(octet "$1")"
}

os_boot() {  # I: start the host's container on its kept overlay (returns at once)
  local i=$1 h=$DIR/h$1 o extra=() s=(); o=$(octet "$1")
  [[ -z $(nspawn_pid "$i") ]] || return 0
  mapfile -t s < <(strays "$i"); ((${#s[@]})) && kill -KILL "${s[@]}" 2>/dev/null
  rm -rf "$h"/.#upper*   # nspawn's overlay work folders of earlier boots
  os_host_files "$i"
  ip -n "jbtb$o" link set eth0 up; os_default "$i"
  ((i == MIRROR_HOST)) && extra+=("--bind-ro=$MIRROR:/srv/mirror")
  # CAP_NET_ADMIN: routes and net.* sysctls in its own network namespace, as root on a server
  ( cd / && cgroup_enter "$i" && detached setsid env "${NSPAWN_ENV[@]}" systemd-nspawn -q -D "$ROOTFS" --register=no --keep-unit \
      --network-namespace-path="/run/netns/jbtb$o" --overlay="$ROOTFS:$h/upper:/" -M "$(name_of "$i")" \
      --capability=CAP_NET_ADMIN --console=read-only --link-journal=no --resolv-conf=off "${extra[@]}" -b
  ) </dev/null >>"$h/console.log" 2>&1 &
  local deadline=$((SECONDS + 10))  # started once the subshell has become nspawn
  until [[ -n $(nspawn_pid "$i") ]]; do
    kill -0 $! 2>/dev/null && ((SECONDS < deadline)) || break
    sleep 0.05
  done
}

os_state() {  # I: systemd's state inside, or "off"
  [[ -n $(leader_pid "$1") ]] || { echo off; return 0; }
  in_host "$1" systemctl is-system-running 2>/dev/null || true
}

os_wait() {  # I...: until sshd answers and systemd is done starting; prints each host's state
  local i s deadline=$((SECONDS + 120)) bad=()
  for i in "$@"; do
    until [[ -n $(leader_pid "$i") ]] && (exec 3<>"/dev/tcp/$(addr_of "$i")/22") 2>/dev/null; do
      if ((SECONDS > deadline)) || [[ -z $(nspawn_pid "$i") ]]; then bad+=("h$i"); continue 2; fi
      sleep 0.1
    done
    s=$(timeout $((deadline - SECONDS > 1 ? deadline - SECONDS : 1)) \
          nsenter -t "$(leader_pid "$i")" -a systemctl is-system-running --wait 2>/dev/null || true)
    case $s in
      running) echo "h$i $(name_of "$i") $s" ;;
      degraded) echo "h$i $(name_of "$i") $s (failed: $(in_host "$i" systemctl --failed --plain --no-legend | awk '{print $1}' | paste -sd' '))" ;;
      *) bad+=("h$i") ;;
    esac
  done
  if ((${#bad[@]})); then
    for i in "${bad[@]}"; do echo "--- $i console.log:" >&2; tail -5 "$DIR/$i/console.log" >&2 || true; done
    die "not up: ${bad[*]}"
  fi
}

os_poweroff() {  # I...: clean poweroff (SIGTERM to nspawn), then wait; the overlays stay
  local i p pids=()
  for i in "$@"; do p=$(nspawn_pid "$i"); [[ -n $p ]] && { kill -TERM "$p"; pids+=("$i:$p"); }; done
  local deadline=$((SECONDS + 60)) e l
  for e in "${pids[@]+"${pids[@]}"}"; do
    i=${e%%:*}; p=${e#*:}
    while [[ -e /proc/$p ]] && ((SECONDS < deadline)); do sleep 0.1; done
    if [[ -e /proc/$p ]]; then  # not down within a minute: pull the plug
      l=$(leader_pid "$i"); kill -KILL $l "$p" 2>/dev/null || true
      echo "hosts: h$i did not power off in time; killed" >&2
    fi
  done
  for i in "$@"; do ip -n "jbtb$(octet "$i")" link set eth0 down 2>/dev/null || true; done  # a dark NIC: timeouts
  cgroup_remove "$@"
}

os_remove() {  # I...: power off, and delete the namespaces and links
  local i o pids=()
  os_poweroff "$@"
  for i in "$@"; do mapfile -t -O "${#pids[@]}" pids < <(netns_pids "jbtb$(octet "$i")"); done
  kill_pids "${pids[@]+"${pids[@]}"}"
  for i in "$@"; do
    o=$(octet "$i")
    ip netns del "jbtb$o" 2>/dev/null || true
    ip -n "$ROUTER" link del "r$o" 2>/dev/null || true
    ip route del "10.203.$o.0/24" 2>/dev/null || true
  done
}

os_write_outputs() {
  local i h a fp key n url; url=$(mirror_url)
  {
    echo "# Debian 12 hosts of jinbao's test bed (systemd-nspawn), written by tests/testbed/hosts up --os."
    echo "[testbed]"
    echo "dir = \"$DIR\""; echo "os = true"; echo "count = $COUNT"; echo "base = $BASE"
    echo "client_key = \"$DIR/client_ed25519\""; echo "known_hosts = \"$DIR/known_hosts\""
    echo "rootfs = \"$ROOTFS\""; echo "router_netns = \"$ROUTER\""; echo "controller = \"10.203.$BASE.1\""
    echo; echo "[testbed.mirror]"
    echo "host = \"h$MIRROR_HOST\""; echo "server = \"$(name_of "$MIRROR_HOST")\""
    echo "url = \"$url\""; echo "suite = \"$SUITE\""; echo "components = [\"main\"]"
    echo "key = \"$DIR/mirror.asc\""; echo "sources = \"$DIR/mirror.sources\""; echo "repository = \"$MIRROR\""
  } >"$DIR/inventory.toml.new"
  : >"$DIR/known_hosts.new"; : >"$DIR/ssh_config.new"
  for ((i = 1; i <= COUNT; i++)); do
    h=$DIR/h$i; a=$(addr_of "$i"); n=$(name_of "$i")
    read -r fp <"$h/fingerprint"
    key=$(awk '{print $1, $2}' "$h/ssh_host_ed25519_key.pub")
    {
      echo; echo "[[host]]"; echo "name = \"h$i\""; echo "server = \"$n\""; echo "city = \"${CITY[$i]:-}\""
      echo "address = \"$a\""; echo "port = 22"; echo "user = \"root\""
      echo "host_key = \"$key\""; echo "host_key_fingerprint = \"$fp\""
      echo "gateway = \"$(next_hop "$i")\""; echo "netns = \"jbtb$(octet "$i")\""
    } >>"$DIR/inventory.toml.new"
    echo "$a $key" >>"$DIR/known_hosts.new"
    if [[ $n != "h$i" ]]; then printf 'Host h%d %s\n' "$i" "$n"; else printf 'Host h%d\n' "$i"; fi >>"$DIR/ssh_config.new"
    printf '  HostName %s\n' "$a" >>"$DIR/ssh_config.new"
  done
  cat >>"$DIR/ssh_config.new" <<EOF

Host *
  User root
  IdentityFile $DIR/client_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $DIR/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
  ConnectTimeout 5
EOF
  cp "$MIRROR_KEY/mirror.asc" "$DIR/mirror.asc.new"
  echo "$url" >"$DIR/mirror.url.new"
  printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /etc/apt/keyrings/province-mirror.asc\n' \
    "$url" "$SUITE" >"$DIR/mirror.sources.new"
  local f; for f in inventory.toml known_hosts ssh_config mirror.asc mirror.url mirror.sources; do mv -f "$DIR/$f.new" "$DIR/$f"; done
}

# ---- verbs ----

os_up() {
  local n=${1:-} t0=$SECONDS i a b c d first=1 dbase=0 mhost=0 mname= kept=$ROOTFS kept_mirror=$MIRROR
  os_tools
  declare -A names=() cities=()
  while read -r a b c d; do
    if ((first)); then dbase=$b; [[ -n $n ]] || n=$a; first=0
    elif [[ $a == mirror ]]; then mhost=$b; mname=$c
    elif [[ $a == host ]]; then names[$b]=$c; cities[$b]=$d; fi
  done < <(os_declared)
  [[ $n =~ ^[0-9]+$ ]] && ((n >= 1)) || die "usage: hosts up --os [N]"
  ((mhost >= 1 && mhost <= n)) || die "the mirror host h$mhost is not among h1..h$n"
  names[$mhost]=$mname; cities[$mhost]=
  [[ ! -f $DIR/bed.env || ${OS:-0} == 1 ]] || die "$DIR holds an ordinary test bed: run 'hosts down' first"
  # a bed already up keeps the images its hosts booted (a new recipe takes effect after down)
  if [[ -f $DIR/bed.env && -f $kept/.complete && -f $kept_mirror/.complete ]]; then
    ROOTFS=$kept; MIRROR=$kept_mirror
  else
    build_rootfs
    build_mirror
  fi
  exec 9<"$HOSTS_SCRIPT"; flock 9   # the images are built: now one change of beds at a time
  if [[ -f $DIR/bed.env ]]; then
    [[ -z $BASE_OPT || $BASE_OPT == "$BASE" ]] || die "$DIR holds a test bed with base $BASE: run 'hosts down' first"
  else
    [[ ! -e $DIR || -z $(ls -A "$DIR" 2>/dev/null) ]] || die "$DIR exists and is not a test bed folder"
    BASE=${BASE_OPT:-$dbase}
  fi
  [[ $BASE =~ ^[0-9]+$ ]] && ((BASE + n <= 254)) || die "base $BASE + N $n must stay within 254"
  ROUTER=jbosr$BASE; ULINK=jbos$BASE
  mkdir -p "$DIR"; chmod 0755 "$DIR"; touch "$DIR/.jinbao-testbed"
  [[ -f $DIR/client_ed25519 ]] || ssh-keygen -q -t ed25519 -N '' -C "jinbao-testbed-client" -f "$DIR/client_ed25519"
  (umask 077; printf '%s\n' "${JINBAO_TESTBED_PG_PASSWORD:-jinbao-testbed}" >"$DIR/pg-password")
  local gone=(); for ((i = n + 1; i <= COUNT; i++)); do gone+=("$i"); done
  if ((${#gone[@]})); then os_remove "${gone[@]}"; for i in "${gone[@]}"; do rm -rf "${DIR:?}/h$i"; done; fi
  COUNT=$n; MIRROR_HOST=$mhost; NAME=(); CITY=()
  for ((i = 1; i <= n; i++)); do NAME[$i]=${names[$i]:-h$i}; CITY[$i]=${cities[$i]:-}; done
  os_save_state
  router_up
  for ((i = 1; i <= n; i++)); do
    mkdir -p "$DIR/h$i"
    if ! os_netns_ok "$i"; then  # its namespace was deleted under it: the host must restart
      echo "hosts: h$i lost its network namespace; restarting it" >&2; os_poweroff "$i"
    fi
    if os_link_ok "$i"; then ip -n "jbtb$(octet "$i")" link set eth0 up; os_default "$i"; continue; fi
    [[ -f $DIR/h$i/.net ]] || ! [[ -e /run/netns/jbtb$(octet "$i") ]] ||
      die "jbtb$(octet "$i") is in use by something else (another test bed?): try --base"
    os_make_link "$i"; touch "$DIR/h$i/.net"
  done
  router_rules
  for ((i = 1; i <= n; i++)); do os_boot "$i"; done
  os_wait $(seq 1 "$n") >"$DIR/boot.log"
  os_write_outputs
  echo "hosts: $n Debian hosts up in $((SECONDS - t0)) s in $DIR (inventory.toml, known_hosts, ssh_config, mirror.url $(mirror_url))"
  awk '$3 != "running" {h = $1; n = $2; $1 = $2 = ""; print "hosts: " h " (" n ") is" $0}' "$DIR/boot.log"
}

os_down() {
  local all=() i
  if [[ ! -f $DIR/.jinbao-testbed ]]; then
    [[ -e $DIR ]] && die "$DIR is not a test bed folder; not touching it"
    echo "hosts: nothing to do ($DIR absent)"; return 0
  fi
  for ((i = 1; i <= COUNT; i++)); do all+=("$i"); done
  ((${#all[@]})) && os_remove "${all[@]}"
  ip netns del "$ROUTER" 2>/dev/null || true
  ip link del "$ULINK" 2>/dev/null || true
  local d; for d in $(cgroup_dirs 0); do rmdir "${d%/h0}" 2>/dev/null || true; done
  if ! ip -o link show type veth 2>/dev/null | grep -qE ': jb(tb|os)[0-9]*@'; then
    ip route del unreachable 10.203.0.0/16 2>/dev/null || true
    ip route del unreachable 10.204.0.0/16 2>/dev/null || true
  fi
  rm -rf "${DIR:?}"
  echo "hosts: down (${#all[@]} Debian hosts powered off and removed, $DIR deleted)"
}

os_status() {
  local i o link st p pid
  printf '%-5s %-18s %-14s %-5s %-16s %-10s %s\n' host server address link container systemd port22
  for ((i = 1; i <= COUNT; i++)); do
    o=$(octet "$i"); pid=$(nspawn_pid "$i")
    link=$(ip -n "jbtb$o" -o link show eth0 2>/dev/null | grep -o 'state [A-Z]*' | cut -d' ' -f2 || true)
    st=$(os_state "$i"); [[ -n $st ]] || st=unknown
    if [[ $link == UP ]] && (exec 3<>"/dev/tcp/$(addr_of "$i")/22") 2>/dev/null; then p=open; else p=closed; fi
    [[ -n $pid ]] && pid=running:$pid
    printf '%-5s %-18s %-14s %-5s %-16s %-10s %s\n' "h$i" "$(name_of "$i")" "$(addr_of "$i")" "${link:-gone}" \
      "${pid:-off}" "$st" "$p"
  done
  echo "mirror: $(mirror_url) (suite $SUITE, main; key $DIR/mirror.asc)"
}

# kill-sessions: every process of ssh.service but its listener (sessions stay in the service's
# cgroup, even across a restart of the listener), and of logind's session scopes, if any
os_kill_sessions() {  # I
  in_host "$1" bash -c '
    main=$(systemctl show -p MainPID --value ssh)
    for c in /sys/fs/cgroup/unified /sys/fs/cgroup/systemd /sys/fs/cgroup; do [ -f $c/cgroup.procs ] && break; done
    v=$(cat "$c$(systemctl show -p ControlGroup --value ssh)/cgroup.procs" \
          $(find "$c/user.slice" -path "*session-*.scope/cgroup.procs" 2>/dev/null) 2>/dev/null |
          grep -vx -e "$main" -e 0)   # 0: a process outside this pid namespace; kill 0 is ours
    [ -n "$v" ] && kill -KILL $v 2>/dev/null
    echo $v | wc -w'
}

os_main() {  # VERB ARGS...
  local verb=$1 i; shift
  case $verb in
    up) os_up "$@"; return ;;
    down) os_down; return ;;
  esac
  if [[ ! -f $DIR/bed.env ]]; then
    [[ $verb == status ]] && { echo "no test bed in $DIR"; return 0; }
    die "no OS test bed in $DIR (hosts up --os)"
  fi
  (($#)) && set -- "$(os_num "$1")" "${@:2}"
  case $verb in
    status) os_status ;;
    cut|heal)
      i=$(num "${1:-}"); o=$(octet "$i")
      ip -n "jbtb$o" link set eth0 "$([[ $verb == cut ]] && echo down || echo up)"
      if [[ $verb == heal ]]; then
        ip -n "jbtb$o" neigh flush dev eth0 2>/dev/null || true
        ip -n "$ROUTER" neigh flush dev "r$o" 2>/dev/null || true
        os_default "$i"
      fi
      echo "hosts: h$i $([[ $verb == cut ]] && echo cut off || echo reachable again)" ;;
    kill-sshd)
      i=$(num "${1:-}"); in_host "$i" systemctl stop ssh; echo "hosts: ssh.service of h$i stopped" ;;
    start-sshd)
      i=$(num "${1:-}"); in_host "$i" systemctl start ssh; os_wait "$i" >/dev/null
      echo "hosts: ssh.service of h$i running" ;;
    kill-sessions)
      i=$(num "${1:-}"); echo "hosts: $(os_kill_sessions "$i") processes of h$i's sessions killed" ;;
    skew) die "skew is not supported on OS hosts (their clock is the machine's; no libfaketime inside)" ;;
    poweroff)
      i=$(num "${1:-}"); [[ -n $(nspawn_pid "$i") ]] || { echo "hosts: h$i is already off"; return 0; }
      os_poweroff "$i"; echo "hosts: h$i powered off (its overlay is kept; 'boot h$i' starts it again)" ;;
    reset)  # a fresh server: its overlay emptied (same name, address and host key)
      i=$(num "${1:-}"); os_poweroff "$i"; rm -rf "${DIR:?}/h$i/upper"
      local t0=$SECONDS s; os_boot "$i"; s=$(os_wait "$i")
      echo "hosts: h$i reset to a fresh image in $((SECONDS - t0)) s, systemd ${s##* }" ;;
    boot)
      i=$(num "${1:-}"); [[ -f $DIR/h$i/.net ]] && os_link_ok "$i" || die "h$i has no link (hosts up --os repairs it)"
      local t0=$SECONDS s; os_boot "$i"; s=$(os_wait "$i")
      echo "hosts: h$i booted in $((SECONDS - t0)) s, systemd ${s##* }" ;;
    ssh)
      (($#)) || die "usage: hosts ssh HOST [CMD...]"
      i=$(num "$1"); shift; exec ssh -F "$DIR/ssh_config" "h$i" "$@" ;;
    exec)
      (($# >= 2)) || die "usage: hosts exec HOST CMD..."
      i=$(num "$1"); shift; in_host_argv "$i" "$@"; exec "${ARGV[@]}" ;;
    *) usage >&2; exit 2 ;;
  esac
}
