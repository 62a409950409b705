//! serde's error messages in the user's words: "expected u32" becomes "expected a whole
//! number", an unknown field becomes an unknown key with the nearest known one suggested.
//! Every message from reading a profile, a manifest or a plan passes through `plain`.

/// The message in plain words, and a hint when there is one ("did you mean `wave`?").
pub fn plain(message: &str) -> (String, Option<String>) {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let (name, known) = name_and_choices(rest);
        return (
            format!("unknown key `{name}`"),
            choices_hint(&name, &known, "keys"),
        );
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let (name, known) = name_and_choices(rest);
        return (
            format!("unknown value `{name}`"),
            choices_hint(&name, &known, "values"),
        );
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return (format!("missing key {rest}"), None);
    }
    if let Some(rest) = message.strip_prefix("duplicate field ") {
        return (format!("key {rest} given twice"), None);
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix)
            && let Some((found, expected)) = rest.rsplit_once(", expected ")
        {
            return (
                format!(
                    "expected {}, found {}",
                    expected_words(expected),
                    found_words(found)
                ),
                None,
            );
        }
    }
    if let Some(rest) = message.strip_prefix("invalid length ")
        && let Some((len, expected)) = rest.split_once(", expected ")
    {
        return (
            format!("expected {}, found {len} items", expected_words(expected)),
            None,
        );
    }
    (expected_words(message), None)
}

/// `` `wav`, expected one of `code`, `name` `` → ("wav", ["code", "name"]).
fn name_and_choices(rest: &str) -> (String, Vec<String>) {
    let (name, tail) = rest.split_once(", ").unwrap_or((rest, ""));
    let name = name.trim_matches('`').to_string();
    let known = tail
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    (name, known)
}

fn choices_hint(name: &str, known: &[String], what: &str) -> Option<String> {
    if known.is_empty() {
        return None;
    }
    let list = known.join(", ");
    Some(match crate::suggest::closest(name, known) {
        Some(k) => format!("did you mean `{k}`? {what} here: {list}"),
        None => format!("{what} here: {list}"),
    })
}

/// serde's names of what was expected, as a person would say them.
fn expected_words(text: &str) -> String {
    let mut out = text.to_string();
    for (rust, words) in [
        ("a borrowed string", "text in quotes"),
        ("a string", "text in quotes"),
        ("a boolean", "true or false"),
        ("a sequence", "a list in brackets"),
        ("a map", "a table"),
        ("a character", "one character"),
    ] {
        out = out.replace(rust, words);
    }
    let words: Vec<String> = out
        .split(' ')
        .map(|w| {
            let (core, tail) = w
                .find(|c: char| !c.is_ascii_alphanumeric())
                .map_or((w, ""), |i| w.split_at(i));
            let plain = match core {
                "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number (0 or more)",
                "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number",
                "f32" | "f64" => "a number",
                _ => return w.to_string(),
            };
            format!("{plain}{tail}")
        })
        .collect();
    let out = words.join(" ");
    match out.strip_prefix("struct ") {
        Some(_) => "a table".into(),
        None => out,
    }
}

/// serde's description of what was found.
fn found_words(text: &str) -> String {
    for prefix in [
        "string ",
        "integer ",
        "floating point ",
        "boolean ",
        "character ",
    ] {
        if let Some(v) = text.strip_prefix(prefix) {
            let v = v.trim_matches('`');
            return if prefix == "string " {
                format!("the text {v}")
            } else {
                format!("`{v}`")
            };
        }
    }
    match text {
        "sequence" => "a list".into(),
        "map" => "a table".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn no_rust_type_name_is_left() {
        assert_eq!(
            plain("invalid type: string \"abc\", expected u32").0,
            "expected a whole number (0 or more), found the text \"abc\""
        );
        assert_eq!(
            plain("invalid type: integer `1041`, expected IP address").0,
            "expected IP address, found `1041`"
        );
        assert_eq!(
            plain("invalid type: string \"yes\", expected a boolean").0,
            "expected true or false, found the text \"yes\""
        );
        assert_eq!(
            plain("invalid value: integer `-1`, expected usize").0,
            "expected a whole number (0 or more), found `-1`"
        );
        assert_eq!(
            plain("invalid type: integer `3`, expected a sequence").0,
            "expected a list in brackets, found `3`"
        );
        assert_eq!(
            plain("invalid type: string \"x\", expected struct Server").0,
            "expected a table, found the text \"x\""
        );
    }

    #[test]
    fn unknown_keys_and_values_suggest_the_nearest() {
        let (m, h) = plain("unknown field `wav`, expected one of `code`, `name`, `pinyin`, `wave`");
        assert_eq!(m, "unknown key `wav`");
        assert_eq!(
            h.as_deref(),
            Some("did you mean `wave`? keys here: code, name, pinyin, wave")
        );
        let (m, h) = plain("unknown variant `postgress`, expected `sqlite` or `postgres`");
        assert_eq!(m, "unknown value `postgress`");
        assert_eq!(
            h.as_deref(),
            Some("did you mean `postgres`? values here: sqlite, postgres")
        );
        let (_, h) = plain("unknown field `zzz`, expected `a` or `b`");
        assert_eq!(h.as_deref(), Some("keys here: a, b"));
        assert_eq!(plain("missing field `name`").0, "missing key `name`");
    }
}
