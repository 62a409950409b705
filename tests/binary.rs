//! The binary province staff copy to a controller runs on a slim Debian 12 without extra
//! packages: it needs only libraries of Debian's essential and required packages (libc6,
//! libgcc-s1, zlib1g). OpenSSL and libssh2 are linked in.

#[test]
fn the_binary_needs_only_what_every_debian_has() {
    let out = std::process::Command::new("ldd")
        .arg(env!("CARGO_BIN_EXE_jinbao"))
        .output()
        .expect("ldd (libc-bin, essential) runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let allowed = [
        "linux-vdso.so",
        "ld-linux-x86-64.so",
        "ld-linux-aarch64.so",
        "libc.so.6",
        "libm.so.6",
        "libgcc_s.so.1",
        "libz.so.1",
    ];
    let needed: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(needed.iter().any(|l| l.starts_with("libc.so")), "{text}");
    let extra: Vec<&&str> = needed
        .iter()
        .filter(|l| !allowed.iter().any(|a| l.contains(a)))
        .collect();
    assert!(
        extra.is_empty(),
        "libraries a slim Debian 12 lacks: {extra:?}\n{text}"
    );
}
