//! The identifiers of the domain: resident ID numbers (GB 11643), organization codes
//! (GB 11714) and unified social credit codes (GB 32100): normalizing, converting, checking.

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// Trims, turns full-width digits and letters half-width, and upper-cases `x`.
pub fn normalize_id(raw: &str) -> String {
    raw.trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            'ｘ' | 'Ｘ' | 'x' => 'X',
            c => c,
        })
        .collect()
}

/// The check character of the first 17 digits of an ID number.
pub fn id_check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(d, w)| (d - b'0') as u32 * w)
        .sum();
    Some(ID_CHECK[(sum % 11) as usize] as char)
}

/// An 18-character ID from the 15-digit form (GB 11643-1989): "19" before the year, plus the
/// check character.
pub fn id_15_to_18(id15: &str) -> Option<String> {
    if id15.len() != 15 || !id15.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let first17 = format!("{}19{}", &id15[..6], &id15[6..]);
    let check = id_check_char(&first17)?;
    Some(format!("{first17}{check}"))
}

/// Why an 18-character ID number is not well formed (length and characters only).
pub fn id_shape_problem(id: &str) -> Option<&'static str> {
    let b = id.as_bytes();
    // characters, not bytes: 18 characters with a Chinese one among them have the wrong kind
    // of character, not the wrong length
    if id.chars().count() != 18 {
        return Some("an ID number has 18 characters (or 15 in the old form)");
    }
    if !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
        return Some("an ID number is 17 digits and a digit or X");
    }
    None
}

/// True when the 18th character is the right check character.
pub fn id_check_ok(id: &str) -> bool {
    id.len() == 18
        && id.is_ascii()
        && id_check_char(&id[..17]).is_some_and(|c| id.as_bytes()[17] == c as u8)
}

const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
const USCC_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The check character of an organization code's first 8 characters.
pub fn org_check_char(first8: &str) -> Option<char> {
    let mut sum = 0;
    for (c, w) in first8.chars().zip(ORG_WEIGHTS) {
        // digits and upper-case letters only (A = 10 … Z = 35)
        if c.is_ascii_lowercase() {
            return None;
        }
        let v = c.to_digit(36)?;
        sum += v * w;
    }
    if first8.chars().count() != 8 {
        return None;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from_digit(n, 10)?,
    })
}

/// The check character of a unified social credit code's first 17 characters.
pub fn uscc_check_char(first17: &str) -> Option<char> {
    if first17.chars().count() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in first17.chars().zip(USCC_WEIGHTS) {
        sum += USCC_CHARS.find(c)? as u32 * w;
    }
    USCC_CHARS.chars().nth(((31 - sum % 31) % 31) as usize)
}

/// An employer code normalized (trimmed, upper case, no dash), with its kind.
pub fn normalize_employer(raw: &str) -> (String, Option<&'static str>) {
    let code: String = raw
        .trim()
        .to_uppercase()
        .chars()
        .filter(|c| *c != '-')
        .collect();
    let kind = match code.chars().count() {
        18 => Some("uscc"),
        9 => Some("org"),
        _ => None,
    };
    (code, kind)
}

/// Why an employer code holds a character no code has (codes are ASCII digits and capital
/// letters): the first such character, with its position (1-based), or None.
pub fn employer_char_problem(code: &str) -> Option<String> {
    let (i, c) = code.chars().enumerate().find(|(_, c)| !c.is_ascii())?;
    Some(if ('\u{FF01}'..='\u{FF5E}').contains(&c) {
        format!(
            "character {} '{c}' is full-width: an employer code is half-width digits and capital letters",
            i + 1
        )
    } else {
        format!(
            "character {} '{c}' is no code character: an employer code is digits and capital letters",
            i + 1
        )
    })
}

/// True when a 9-character organization code (GB 11714) has its right check character.
pub fn org_code_ok(code: &str) -> bool {
    code.len() == 9
        && code.is_ascii()
        && org_check_char(&code[..8]).is_some_and(|c| code.ends_with(c))
}

/// The area codes of the migrations that fill `area_code_years` (V010 creates it, later ones
/// correct it), read by the same rules as the engines read them: the validators here and the
/// SQL rules then know the same codes (a test holds them equal).
pub(crate) const AREA_MIGRATIONS: &[&str] = &[
    include_str!("../../templates/schema/V010__national_area_codes.sql"),
    include_str!("../../templates/schema/V011__area_codes_in_force.sql"),
];

/// The area code national registration authorities put in credit codes (positions 3–8).
pub const NATIONAL_AREA: &str = "100000";

fn area_codes() -> &'static std::collections::HashSet<&'static str> {
    static CODES: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    CODES.get_or_init(|| {
        let mut codes = std::collections::HashSet::new();
        let code_at =
            |s: &'static str| s.get(..6).filter(|c| c.bytes().all(|b| b.is_ascii_digit()));
        for sql in AREA_MIGRATIONS {
            for line in sql.lines().map(str::trim_start) {
                // an inserted row, `('410611', 1980, 9999, '淇滨区'),`, or a deleted code
                if let Some(c) = line.strip_prefix("('").and_then(code_at) {
                    codes.insert(c);
                } else if let Some(c) = line
                    .strip_prefix("DELETE FROM area_code_years WHERE code = '")
                    .and_then(code_at)
                {
                    codes.remove(c);
                }
            }
        }
        codes
    })
}

/// True when `code` is a GB/T 2260 area code of any year since 1980.
pub fn area_code_known(code: &str) -> bool {
    area_codes().contains(code)
}

/// Why positions 3–8 of a credit code are no registration area (GB 32100: a GB/T 2260 code,
/// or 100000 for a national authority), or None when they are one.
pub fn uscc_area_problem(area: &str) -> Option<&'static str> {
    if !area.bytes().all(|b| b.is_ascii_digit()) {
        Some("characters 3-8 are an area code: digits only")
    } else if area != NATIONAL_AREA && !area_code_known(area) {
        Some("characters 3-8 are no GB/T 2260 area code (100000 for a national authority)")
    } else {
        None
    }
}

/// True when an 18-character unified social credit code (GB 32100) is valid: its check
/// character is right, positions 3–8 are a GB/T 2260 area code (or 100000, national), and
/// positions 9–17 are an organization code whose own GB 11714 check character holds.
pub fn uscc_ok(code: &str) -> bool {
    code.len() == 18
        && code.is_ascii()
        && uscc_check_char(&code[..17]).is_some_and(|c| code.ends_with(c))
        && uscc_area_problem(&code[2..8]).is_none()
        && org_code_ok(&code[8..17])
}

/// True when an employer code is a valid organization code or unified social credit code.
pub fn employer_code_ok(code: &str) -> bool {
    match code.len() {
        9 => org_code_ok(code),
        18 => uscc_ok(code),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_domain_examples() {
        assert!(id_check_ok("11010519491231002X"));
        assert!(!id_check_ok("110105194912310021"));
        assert_eq!(
            id_15_to_18("110105491231002").as_deref(),
            Some("11010519491231002X")
        );
        assert_eq!(
            normalize_id(" １１０１０５１９４９１２３１００２x "),
            "11010519491231002X"
        );
        assert!(employer_code_ok("002518057"));
        assert!(employer_code_ok("00251809X"));
        assert_eq!(
            normalize_employer("00251805-7"),
            ("002518057".into(), Some("org"))
        );
        assert!(employer_code_ok("91350100M000100Y43"));
        assert!(!employer_code_ok("91350100M000100Y44"));
        // GB 32100: positions 3-8 are an area code, digits only; positions 9-17 are an
        // organization code with its own check character (issue 15, §7)
        assert_eq!(uscc_check_char("9141252B555P67324"), Some('1'));
        assert!(
            !employer_code_ok("9141252B555P673241"),
            "a letter in the area code"
        );
        assert_eq!(uscc_check_char("9141132418R93X948"), Some('X'));
        assert!(
            !employer_code_ok("9141132418R93X948X"),
            "the organization code's check"
        );
        // positions 3-8 an area code of GB/T 2260, or 100000 for a national authority
        assert!(
            !employer_code_ok("91419999002518057K"),
            "419999 is no area code"
        );
        assert!(
            !employer_code_ok("910000000025180579"),
            "000000 is no area code"
        );
        assert!(employer_code_ok("914106110025180575"), "Hebi's 淇滨区");
        assert!(
            employer_code_ok("911000000025180570"),
            "a national authority"
        );
        assert!(
            employer_code_ok("12100000400000624D"),
            "a national authority"
        );
        assert!(area_code_known("410611") && area_code_known("412722"));
        assert_eq!(
            uscc_area_problem("419999"),
            Some("characters 3-8 are no GB/T 2260 area code (100000 for a national authority)")
        );
        // lengths in characters: 9 full-width characters are 9 characters of the wrong kind
        assert_eq!(
            normalize_employer("００２５１８０５７"),
            ("００２５１８０５７".into(), Some("org"))
        );
        assert_eq!(
            employer_char_problem("００２５１８０５７").as_deref(),
            Some(
                "character 1 '０' is full-width: an employer code is half-width digits and capital letters"
            )
        );
        assert_eq!(employer_char_problem("002518057"), None);
        assert_eq!(
            id_shape_problem("11010519491231002一"),
            Some("an ID number is 17 digits and a digit or X")
        );
        assert_eq!(
            id_shape_problem("1101051949123100"),
            Some("an ID number has 18 characters (or 15 in the old form)")
        );
    }
}
