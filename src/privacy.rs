//! What must never be shown: resolved secrets and the personal data of insured people.
//!
//! Secrets are registered here the moment they are resolved; ID numbers and names are masked
//! unless the operator asked for them with `--show-personal-data` (an audited choice). Every
//! writer jinbao has (the printer, logs, the journal, the audit log, histories) passes its text
//! through [`scrub`], so a secret or an ID number that slips into a message is still not shown.

use std::borrow::Cow;
use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, Ordering};

static REVEAL: AtomicBool = AtomicBool::new(false);
static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// What a masked secret is shown as.
pub const MASK: &str = "********";

/// Shows personal data in full from now on (`--show-personal-data`).
pub fn reveal_personal_data(on: bool) {
    REVEAL.store(on, Ordering::Relaxed);
}

/// True when the operator asked to see personal data in full.
pub fn personal_data_revealed() -> bool {
    REVEAL.load(Ordering::Relaxed)
}

/// Remembers a secret's value so that no writer ever shows it. Values shorter than four
/// characters are not registered: they would mask ordinary words (and cannot be secret).
pub fn register_secret(value: &str) {
    let v = value.trim();
    if v.chars().count() < 4 {
        return;
    }
    let mut secrets = SECRETS.write().unwrap_or_else(|p| p.into_inner());
    if !secrets.iter().any(|s| s == v) {
        secrets.push(v.to_string());
        // longest first, so that a secret containing another is masked whole
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }
}

/// Registers every password written on the command line, whatever the connection string's
/// scheme or case (`PostgreSQL://u:PW@…`, `jdbc:postgresql://…&password=PW`, `mysql://u:PW@…`,
/// libpq `password=PW`), so that no output, log, journal or audit record shows it.
pub fn register_arguments(args: impl IntoIterator<Item = String>) {
    for arg in args {
        for pw in passwords_in(&arg) {
            register_secret(&pw);
        }
    }
}

/// The passwords a connection string holds: the password of a URL's user (any scheme), and
/// the value of every `password=`, `passwd=` or `pwd=` parameter (URL query, libpq keywords,
/// JDBC `;password=`), as written and percent-decoded.
pub fn passwords_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for span in password_spans(text) {
        let pw = &text[span];
        out.push(pw.to_string());
        let decoded = percent_decode(pw);
        if decoded != pw {
            out.push(decoded);
        }
    }
    out
}

/// `text` with every password it holds (see [`passwords_in`]) masked where it stands, however
/// short: what is recorded of a command line never carries one.
pub fn without_passwords(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut spans = password_spans(text);
    spans.sort_by_key(|s| s.start);
    for span in spans {
        if span.start < last {
            continue; // inside one masked already
        }
        out.push_str(&text[last..span.start]);
        out.push_str(MASK);
        last = span.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Where the passwords of a connection string stand in it (non-empty byte ranges).
fn password_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    for (at, _) in lower.match_indices("://") {
        let start = at + 3;
        let rest = &text[start..];
        let end = rest
            .find(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace())
            .unwrap_or(rest.len());
        let authority = &rest[..end];
        if let Some((userinfo, _)) = authority.rsplit_once('@')
            && let Some(colon) = userinfo.find(':')
            && colon + 1 < userinfo.len()
        {
            out.push(start + colon + 1..start + userinfo.len());
        }
    }
    for key in ["password=", "passwd=", "pwd="] {
        for (at, _) in lower.match_indices(key) {
            let starts_word = at == 0
                || matches!(
                    lower.as_bytes()[at - 1],
                    b' ' | b'\t' | b'?' | b'&' | b';' | b':' | b'"' | b'\'' | b','
                );
            if !starts_word {
                continue;
            }
            let mut start = at + key.len();
            let rest = &text[start..];
            let len = if let Some(quoted) = rest.strip_prefix('\'') {
                start += 1;
                quoted.find('\'').unwrap_or(quoted.len())
            } else {
                rest.find(|c: char| matches!(c, '&' | ';' | '"' | ',') || c.is_whitespace())
                    .unwrap_or(rest.len())
            };
            if len > 0 {
                out.push(start..start + len);
            }
        }
    }
    out
}

/// `%XX` escapes decoded (lossy where they do not make UTF-8).
fn percent_decode(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Some(v) = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An ID number as shown to people: `410102********6879` (the area and the last four kept).
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let n = chars.len();
    if n <= 4 {
        return "*".repeat(n);
    }
    let head = if n >= 14 { 6 } else { n / 3 };
    let tail = if n >= 14 { 4 } else { 1 };
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(n - head - tail));
    out.extend(&chars[n - tail..]);
    out
}

/// A name as shown to people: `王*华`, `王*`, `欧**明`.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

/// An ID number for people: masked unless personal data is revealed.
pub fn id(id: &str) -> Cow<'_, str> {
    if personal_data_revealed() {
        Cow::Borrowed(id)
    } else {
        Cow::Owned(mask_id(id))
    }
}

/// A name for people: masked unless personal data is revealed.
pub fn name(name: &str) -> Cow<'_, str> {
    if personal_data_revealed() {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(mask_name(name))
    }
}

/// `text` with every registered secret masked and, unless personal data is revealed, every
/// resident ID number in it masked.
pub fn scrub(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    {
        let secrets = SECRETS.read().unwrap_or_else(|p| p.into_inner());
        for s in secrets.iter() {
            if out.contains(s.as_str()) {
                out = Cow::Owned(out.replace(s.as_str(), MASK));
            }
        }
    }
    if personal_data_revealed() {
        return out;
    }
    match mask_ids_in(&out) {
        Some(masked) => Cow::Owned(masked),
        None => out,
    }
}

/// Bytes variant of [`scrub`] for writers that see raw output (lossless when nothing matches).
pub fn scrub_bytes(bytes: &[u8]) -> Cow<'_, [u8]> {
    match std::str::from_utf8(bytes) {
        Ok(text) => match scrub(text) {
            Cow::Borrowed(_) => Cow::Borrowed(bytes),
            Cow::Owned(s) => Cow::Owned(s.into_bytes()),
        },
        Err(_) => {
            let text = String::from_utf8_lossy(bytes);
            match scrub(&text) {
                Cow::Borrowed(_) => Cow::Borrowed(bytes),
                Cow::Owned(s) => Cow::Owned(s.into_bytes()),
            }
        }
    }
}

/// Masks what looks like a resident ID number (18 characters, or the old 15 digits) standing
/// alone in `text`: digits with a plausible birth date, not part of a longer word or number.
fn mask_ids_in(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut out: Option<String> = None;
    let mut last = 0;
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && is_word(b[i - 1])) {
            i += 1;
            continue;
        }
        let run = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        let mut len = run;
        if run == 17 && matches!(b.get(i + 17), Some(b'X' | b'x')) {
            len = 18;
        }
        let bounded = b.get(i + len).is_none_or(|c| !is_word(*c));
        if bounded && (len == 18 || len == 15) && looks_like_id(&b[i..i + len]) {
            let o = out.get_or_insert_with(String::new);
            o.push_str(&text[last..i]);
            o.push_str(&mask_id(&text[i..i + len]));
            last = i + len;
        }
        i += len.max(1);
    }
    out.map(|mut o| {
        o.push_str(&text[last..]);
        o
    })
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// An area code that does not start with 0 and a birth date with a real month and day.
fn looks_like_id(d: &[u8]) -> bool {
    let num = |r: std::ops::Range<usize>| -> u32 {
        d[r].iter().fold(0, |n, c| n * 10 + (c - b'0') as u32)
    };
    if d[0] == b'0' {
        return false;
    }
    let (month, day) = if d.len() == 18 {
        let year = num(6..10);
        if !(1850..=2100).contains(&year) {
            return false;
        }
        (num(10..12), num(12..14))
    } else {
        (num(8..10), num(10..12))
    };
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_command_line_is_recorded_without_its_passwords_however_short() {
        assert_eq!(
            super::without_passwords("--source postgresql://u:ab@h/db"),
            "--source postgresql://u:********@h/db"
        );
        assert_eq!(
            super::without_passwords("jdbc:postgresql://h/db?user=u&password=x1&ssl=1"),
            "jdbc:postgresql://h/db?user=u&password=********&ssl=1"
        );
        assert_eq!(
            super::without_passwords("host=h password='a b' dbname=x"),
            "host=h password='********' dbname=x"
        );
        assert_eq!(super::without_passwords("no secret here"), "no secret here");
        assert_eq!(
            super::passwords_in("mysql://u:p%40ss@h"),
            vec!["p%40ss".to_string(), "p@ss".to_string()]
        );
    }

    use super::*;

    #[test]
    fn ids_and_names_are_masked() {
        assert_eq!(mask_id("410102198001016879"), "410102********6879");
        assert_eq!(mask_id("41010219800101687X"), "410102********687X");
        assert_eq!(mask_id("410102800101687"), "410102*****1687");
        assert_eq!(mask_name("王小华"), "王*华");
        assert_eq!(mask_name("王华"), "王*");
        assert_eq!(mask_name("欧阳小明"), "欧**明");
        assert_eq!(mask_name("王"), "*");
    }

    #[test]
    fn scrub_masks_ids_standing_alone_only() {
        let t = "row 3: id_number `410102198001016879` twice (41010219800101687X)";
        assert_eq!(
            mask_ids_in(t).unwrap(),
            "row 3: id_number `410102********6879` twice (410102********687X)"
        );
        // part of a hash, a longer number, or an impossible date: left alone
        assert!(mask_ids_in("sha a410102198001016879b").is_none());
        assert!(mask_ids_in("4101021980010168791").is_none());
        assert!(mask_ids_in("410102198013016879").is_none());
        assert!(mask_ids_in("20261127T191549Z-1234").is_none());
    }

    #[test]
    fn registered_secrets_are_masked_everywhere() {
        register_secret("s3cr3t-marker-XYZ");
        register_secret("ab"); // too short to be masked
        assert_eq!(
            scrub("password=s3cr3t-marker-XYZ; ab"),
            format!("password={MASK}; ab")
        );
    }
}
