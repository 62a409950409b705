//! PostgreSQL's `hashtext` computed in Rust: its `hash_bytes`, Bob Jenkins' lookup3 hash as
//! a little-endian server computes it. A key's bucket is then found alike by jinbao while it
//! parses an extract and by the server in C, with no md5 per row. The server's hash is its
//! platform's: [`same_as_server`] is asked before it is relied on.

fn mix(a: &mut u32, b: &mut u32, c: &mut u32) {
    *a = a.wrapping_sub(*c);
    *a ^= c.rotate_left(4);
    *c = c.wrapping_add(*b);
    *b = b.wrapping_sub(*a);
    *b ^= a.rotate_left(6);
    *a = a.wrapping_add(*c);
    *c = c.wrapping_sub(*b);
    *c ^= b.rotate_left(8);
    *b = b.wrapping_add(*a);
    *a = a.wrapping_sub(*c);
    *a ^= c.rotate_left(16);
    *c = c.wrapping_add(*b);
    *b = b.wrapping_sub(*a);
    *b ^= a.rotate_left(19);
    *a = a.wrapping_add(*c);
    *c = c.wrapping_sub(*b);
    *c ^= b.rotate_left(4);
    *b = b.wrapping_add(*a);
}

fn last(a: &mut u32, b: &mut u32, c: &mut u32) {
    *c ^= *b;
    *c = c.wrapping_sub(b.rotate_left(14));
    *a ^= *c;
    *a = a.wrapping_sub(c.rotate_left(11));
    *b ^= *a;
    *b = b.wrapping_sub(a.rotate_left(25));
    *c ^= *b;
    *c = c.wrapping_sub(b.rotate_left(16));
    *a ^= *c;
    *a = a.wrapping_sub(c.rotate_left(4));
    *b ^= *a;
    *b = b.wrapping_sub(a.rotate_left(14));
    *c ^= *b;
    *c = c.wrapping_sub(b.rotate_left(24));
}

/// `hashtext(s)` as PostgreSQL 12 and later answer it on a little-endian server.
pub fn hashtext(s: &str) -> i32 {
    let k = s.as_bytes();
    let init = 0x9e37_79b9u32
        .wrapping_add(k.len() as u32)
        .wrapping_add(3_923_095);
    let (mut a, mut b, mut c) = (init, init, init);
    let word = |w: &[u8]| -> u32 {
        w.iter()
            .enumerate()
            .fold(0u32, |acc, (i, &x)| acc.wrapping_add((x as u32) << (8 * i)))
    };
    let mut rest = k;
    while rest.len() >= 12 {
        a = a.wrapping_add(word(&rest[0..4]));
        b = b.wrapping_add(word(&rest[4..8]));
        c = c.wrapping_add(word(&rest[8..12]));
        mix(&mut a, &mut b, &mut c);
        rest = &rest[12..];
    }
    // the tail: the lowest byte of c is the length's (added above)
    let n = rest.len();
    if n > 8 {
        c = c.wrapping_add(word(&rest[8..]) << 8);
    }
    b = b.wrapping_add(word(&rest[n.min(4)..n.min(8)]));
    a = a.wrapping_add(word(&rest[..n.min(4)]));
    last(&mut a, &mut b, &mut c);
    c as i32
}

/// Texts of every tail length and of several blocks, ASCII and not, that a server is asked
/// to hash as [`hashtext`] does.
pub fn probes() -> Vec<String> {
    let base = "410602199001011234河南省许昌市91410000MA1234567X";
    (0..base.chars().count())
        .map(|n| base.chars().take(n).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_values_postgresql_answers() {
        // `SELECT hashtext(...)` on PostgreSQL 15, x86-64
        for (text, want) in [
            ("", -1_477_818_771),
            ("a", 1_075_015_857),
            ("410602199001011234", 2_010_204_354),
            ("河南省许昌市", 1_956_195_538),
            ("abcdefghijk", -1_483_803_693),
        ] {
            assert_eq!(hashtext(text), want, "{text}");
        }
    }
}
